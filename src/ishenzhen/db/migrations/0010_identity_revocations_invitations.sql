-- Identity: revocation honoured by every instance. Bearer checks stay local (no database round trip), so each
-- instance holds the ids (jti) of revoked, unexpired access tokens in memory, fed by NOTIFY identity_revocations
-- and a poll that re-reads what was revoked recently (revoked_at) and, now and then, the whole list.
ALTER TABLE identity_revoked_access_tokens ADD COLUMN revoked_at timestamptz NOT NULL DEFAULT now();
CREATE INDEX identity_revoked_access_tokens_revoked_idx ON identity_revoked_access_tokens (revoked_at);
CREATE INDEX identity_revoked_access_tokens_expiry_idx ON identity_revoked_access_tokens (expires_at);

-- The access tokens an authorization code or a refresh-token family issued, held until they expire, so that
-- revoking the family (RFC 7009 §2.1) or replaying the code (RFC 6749 §4.1.2) ends them too. Department tokens
-- (client credentials) come from neither and are not recorded.
CREATE TABLE identity_issued_access_tokens (
    jti         text PRIMARY KEY,
    family_id   uuid REFERENCES identity_refresh_families (id) ON DELETE CASCADE,
    code_hash   bytea,
    expires_at  timestamptz NOT NULL,
    CHECK (family_id IS NOT NULL OR code_hash IS NOT NULL)
);
CREATE INDEX identity_issued_access_tokens_family_idx ON identity_issued_access_tokens (family_id);
CREATE INDEX identity_issued_access_tokens_code_idx ON identity_issued_access_tokens (code_hash);
CREATE INDEX identity_issued_access_tokens_expiry_idx ON identity_issued_access_tokens (expires_at);

-- An agent grant (经办人) starts as an invitation the citizen accepts after signing in. It names the invitee by
-- mobile number, whether or not an account has that number, so the answer to the legal representative is the
-- same for every number; the grant itself (identity_enterprise_roles) exists only once it is accepted.
CREATE TABLE identity_agent_invitations (
    id                uuid PRIMARY KEY,
    credit_code       char(18) NOT NULL REFERENCES identity_enterprises (credit_code) ON DELETE CASCADE,
    invited_by        uuid NOT NULL REFERENCES identity_accounts (id) ON DELETE CASCADE,
    mobile            text NOT NULL CHECK (mobile ~ '^1[3-9][0-9]{9}$'),
    scopes            text[] NOT NULL,
    grant_expires_at  timestamptz NOT NULL,
    created_at        timestamptz NOT NULL DEFAULT now(),
    expires_at        timestamptz NOT NULL,
    answered_at       timestamptz,
    answer            text CHECK (answer IN ('accepted', 'declined')),
    CHECK ((answer IS NULL) = (answered_at IS NULL)),
    CHECK (expires_at <= created_at + interval '30 days')
);
CREATE INDEX identity_agent_invitations_mobile_idx ON identity_agent_invitations (mobile, expires_at);
CREATE INDEX identity_agent_invitations_enterprise_idx ON identity_agent_invitations (credit_code);
