-- Identity: citizens and their assurance levels, enterprises and agents, OAuth clients, signing keys,
-- authorization codes, refresh-token families, login sessions, throttles and the audit trail.
-- Every secret the client holds (codes, refresh tokens, session ids, client secrets) is stored as a SHA-256
-- hash only; passwords as argon2id hashes.

CREATE TABLE identity_accounts (
    id               uuid PRIMARY KEY,
    mobile           text NOT NULL UNIQUE CHECK (mobile ~ '^1[3-9][0-9]{9}$'),
    password_hash    text,
    -- 1: mobile verified; 2: name and resident ID matched the population register; 3: face check passed.
    assurance_level  smallint NOT NULL DEFAULT 1 CHECK (assurance_level BETWEEN 1 AND 3),
    name             text,
    resident_id      char(18) UNIQUE,
    verified_at      timestamptz,
    face_checked_at  timestamptz,
    demo             boolean NOT NULL DEFAULT false,
    created_at       timestamptz NOT NULL DEFAULT now(),
    CHECK (assurance_level = 1 OR (name IS NOT NULL AND resident_id IS NOT NULL AND verified_at IS NOT NULL)),
    CHECK (assurance_level < 3 OR face_checked_at IS NOT NULL)
);

-- Stands in for the shared population register until it arrives (same interface: PopulationRegister).
CREATE TABLE identity_population_register (
    resident_id  char(18) PRIMARY KEY,
    name         text NOT NULL
);
INSERT INTO identity_population_register (resident_id, name) VALUES
    ('440303198503120017', '张伟'),
    ('440305199207060029', '李娜'),
    ('440306197801150032', '王强'),
    ('440307199909210047', '刘洋'),
    ('110105198812040059', '陈静'),
    ('310115199506300064', '杨帆'),
    ('440304200102180074', '赵敏'),
    ('440303197001010083', '黄磊');

CREATE TABLE identity_enterprises (
    credit_code  char(18) PRIMARY KEY,
    name         text NOT NULL,
    demo         boolean NOT NULL DEFAULT false
);

CREATE TABLE identity_enterprise_roles (
    credit_code  char(18) NOT NULL REFERENCES identity_enterprises (credit_code) ON DELETE CASCADE,
    account_id   uuid NOT NULL REFERENCES identity_accounts (id) ON DELETE CASCADE,
    role         text NOT NULL CHECK (role IN ('legal_representative', 'agent')),
    -- What an agent (经办人) may do for the enterprise; a legal representative may do everything.
    scopes       text[] NOT NULL DEFAULT '{}',
    expires_at   timestamptz,
    granted_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (credit_code, account_id),
    CHECK (role = 'legal_representative' OR expires_at IS NOT NULL)
);
CREATE INDEX identity_enterprise_roles_account_idx ON identity_enterprise_roles (account_id);

CREATE TABLE identity_clients (
    client_id                  text PRIMARY KEY CHECK (client_id ~ '^[a-z0-9][a-z0-9._-]{2,63}$'),
    name                       text NOT NULL,
    kind                       text NOT NULL CHECK (kind IN ('public', 'confidential')),
    department                 text,
    secret_hash                bytea,
    jwks                       jsonb,
    auth_method                text NOT NULL
        CHECK (auth_method IN ('none', 'client_secret_basic', 'client_secret_post', 'private_key_jwt')),
    redirect_uris              text[] NOT NULL DEFAULT '{}',
    post_logout_redirect_uris  text[] NOT NULL DEFAULT '{}',
    grant_types                text[] NOT NULL,
    scopes                     text[] NOT NULL,
    first_party                boolean NOT NULL DEFAULT false,
    demo                       boolean NOT NULL DEFAULT false,
    created_at                 timestamptz NOT NULL DEFAULT now(),
    CHECK ((kind = 'public') = (auth_method = 'none')),
    CHECK (auth_method <> 'private_key_jwt' OR jwks IS NOT NULL),
    CHECK (auth_method NOT IN ('client_secret_basic', 'client_secret_post') OR secret_hash IS NOT NULL),
    CHECK (NOT ('client_credentials' = ANY (grant_types)) OR kind = 'confidential')
);

-- One-time client assertions (private_key_jwt) already seen, so a captured assertion cannot be replayed.
CREATE TABLE identity_client_assertions (
    client_id   text NOT NULL REFERENCES identity_clients (client_id) ON DELETE CASCADE,
    jti         text NOT NULL,
    expires_at  timestamptz NOT NULL,
    PRIMARY KEY (client_id, jti)
);

-- Asymmetric signing keys. A key is published from creation, signs from signs_from, and is published until
-- published_until (set when a newer key takes over: at least the longest token lifetime later).
CREATE TABLE identity_signing_keys (
    kid              text PRIMARY KEY,
    alg              text NOT NULL CHECK (alg IN ('ES256', 'RS256')),
    private_jwk      jsonb NOT NULL,
    public_jwk       jsonb NOT NULL,
    development      boolean NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    signs_from       timestamptz NOT NULL,
    published_until  timestamptz
);

CREATE TABLE identity_sessions (
    id_hash     bytea PRIMARY KEY,
    account_id  uuid NOT NULL REFERENCES identity_accounts (id) ON DELETE CASCADE,
    acr         smallint NOT NULL,
    amr         text[] NOT NULL,
    auth_time   timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL
);

CREATE TABLE identity_authorization_codes (
    code_hash              bytea PRIMARY KEY,
    client_id              text NOT NULL REFERENCES identity_clients (client_id) ON DELETE CASCADE,
    account_id             uuid NOT NULL REFERENCES identity_accounts (id) ON DELETE CASCADE,
    redirect_uri           text NOT NULL,
    scope                  text NOT NULL,
    code_challenge         text,
    code_challenge_method  text CHECK (code_challenge_method = 'S256'),
    nonce                  text,
    acr                    smallint NOT NULL,
    amr                    text[] NOT NULL,
    auth_time              timestamptz NOT NULL,
    party                  char(18) REFERENCES identity_enterprises (credit_code),
    created_at             timestamptz NOT NULL DEFAULT now(),
    expires_at             timestamptz NOT NULL,
    used_at                timestamptz,
    CHECK (expires_at <= created_at + interval '10 minutes')
);

-- A refresh-token family: everything issued from one authorization. Rotation adds tokens to the family;
-- presenting a used token revokes the family.
CREATE TABLE identity_refresh_families (
    id            uuid PRIMARY KEY,
    client_id     text NOT NULL REFERENCES identity_clients (client_id) ON DELETE CASCADE,
    account_id    uuid NOT NULL REFERENCES identity_accounts (id) ON DELETE CASCADE,
    scope         text NOT NULL,
    acr           smallint NOT NULL,
    amr           text[] NOT NULL,
    auth_time     timestamptz NOT NULL,
    party         char(18) REFERENCES identity_enterprises (credit_code),
    code_hash     bytea,
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_used_at  timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz NOT NULL,
    revoked_at    timestamptz,
    revoked_why   text
);
CREATE INDEX identity_refresh_families_code_idx ON identity_refresh_families (code_hash);
CREATE INDEX identity_refresh_families_account_idx ON identity_refresh_families (account_id);

CREATE TABLE identity_refresh_tokens (
    token_hash  bytea PRIMARY KEY,
    family_id   uuid NOT NULL REFERENCES identity_refresh_families (id) ON DELETE CASCADE,
    issued_at   timestamptz NOT NULL DEFAULT now(),
    used_at     timestamptz
);
CREATE INDEX identity_refresh_tokens_family_idx ON identity_refresh_tokens (family_id);

-- Access tokens are self-contained JWTs; revoking one records its jti so introspection reports it inactive.
CREATE TABLE identity_revoked_access_tokens (
    jti         text PRIMARY KEY,
    expires_at  timestamptz NOT NULL
);

CREATE TABLE identity_sms_codes (
    id          bigserial PRIMARY KEY,
    mobile      text NOT NULL,
    code_hash   bytea NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    attempts    integer NOT NULL DEFAULT 0,
    used_at     timestamptz
);
CREATE INDEX identity_sms_codes_mobile_idx ON identity_sms_codes (mobile, created_at DESC);

-- Development only: where SMS messages go instead of an SMS gateway.
CREATE TABLE identity_sms_outbox (
    id          bigserial PRIMARY KEY,
    mobile      text NOT NULL,
    message     text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- Fixed-window counters shared by every instance: rate limits and lockouts.
CREATE TABLE identity_throttle (
    bucket        text PRIMARY KEY,
    window_start  timestamptz NOT NULL,
    hits          integer NOT NULL
);

CREATE TABLE identity_audit (
    id          bigserial PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT now(),
    event       text NOT NULL,
    account_id  uuid,
    client_id   text,
    address     text,
    detail      jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX identity_audit_account_idx ON identity_audit (account_id, at);
CREATE INDEX identity_audit_event_idx ON identity_audit (event, at);
