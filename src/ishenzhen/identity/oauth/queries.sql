-- Clients -------------------------------------------------------------------------------------------------

-- name: clients_by_id(client_ids)
SELECT * FROM identity_clients WHERE client_id = ANY(:client_ids);

-- name: insert_client(client_id, name, kind, department, secret_hash, jwks, auth_method, redirect_uris, post_logout_redirect_uris, grant_types, scopes, first_party, demo)!
INSERT INTO identity_clients (client_id, name, kind, department, secret_hash, jwks, auth_method, redirect_uris,
                              post_logout_redirect_uris, grant_types, scopes, first_party, demo)
VALUES (:client_id, :name, :kind, :department, :secret_hash, :jwks, :auth_method, :redirect_uris,
        :post_logout_redirect_uris, :grant_types, :scopes, :first_party, :demo)
ON CONFLICT DO NOTHING;

-- name: remember_client_assertion(client_id, jti, expires_at)$
-- Returns 1 the first time an assertion id is seen, NULL on a replay.
INSERT INTO identity_client_assertions (client_id, jti, expires_at) VALUES (:client_id, :jti, :expires_at)
ON CONFLICT DO NOTHING RETURNING 1;

-- name: client_assertion_seen(client_id, jti)$
-- Read before authlib runs, so a replayed assertion is refused without a write.
SELECT EXISTS (SELECT 1 FROM identity_client_assertions WHERE client_id = :client_id AND jti = :jti);

-- Signing keys --------------------------------------------------------------------------------------------

-- name: published_keys()
SELECT kid, alg, private_jwk, public_jwk, development, signs_from, published_until
FROM identity_signing_keys
WHERE published_until IS NULL OR published_until > now()
ORDER BY signs_from;

-- name: insert_signing_key(kid, alg, private_jwk, public_jwk, development, signs_from)!
INSERT INTO identity_signing_keys (kid, alg, private_jwk, public_jwk, development, signs_from)
VALUES (:kid, :alg, :private_jwk, :public_jwk, :development, :signs_from);

-- name: retire_keys_before(kid, signs_from, published_until)!
-- Older keys stop signing when the new one starts and stay published until their tokens have expired.
UPDATE identity_signing_keys SET published_until = :published_until
WHERE kid <> :kid AND published_until IS NULL AND signs_from < :signs_from;

-- name: lock_signing_keys()$
SELECT pg_advisory_xact_lock(4004);

-- name: signs_from(publish_for)$
-- The database's clock decides when a new key starts signing, as it does for every instance's reload.
SELECT now() + :publish_for::interval;

-- name: count_signing_keys()$
SELECT count(*) FROM identity_signing_keys;

-- name: count_development_keys()$
SELECT count(*) FROM identity_signing_keys WHERE development AND (published_until IS NULL OR published_until > now());

-- name: count_demo_clients()$
SELECT count(*) FROM identity_clients WHERE demo;

-- Sessions ------------------------------------------------------------------------------------------------

-- name: insert_session(id_hash, account_id, acr, amr, auth_time, expires_at)!
INSERT INTO identity_sessions (id_hash, account_id, acr, amr, auth_time, expires_at)
VALUES (:id_hash, :account_id, :acr, :amr, :auth_time, :expires_at);

-- name: session_by_hash(id_hash)^
SELECT s.account_id, s.acr, s.amr, s.auth_time, a.mobile
FROM identity_sessions s JOIN identity_accounts a ON a.id = s.account_id
WHERE s.id_hash = :id_hash AND s.expires_at > now();

-- name: delete_session(id_hash)!
DELETE FROM identity_sessions WHERE id_hash = :id_hash;

-- Authorization codes -------------------------------------------------------------------------------------

-- name: insert_code(code_hash, client_id, account_id, redirect_uri, scope, code_challenge, code_challenge_method, nonce, acr, amr, auth_time, party, expires_at)!
INSERT INTO identity_authorization_codes (code_hash, client_id, account_id, redirect_uri, scope, code_challenge,
    code_challenge_method, nonce, acr, amr, auth_time, party, created_at, expires_at)
VALUES (:code_hash, :client_id, :account_id, :redirect_uri, :scope, :code_challenge, :code_challenge_method,
    :nonce, :acr, :amr, :auth_time, :party, now(), :expires_at);

-- name: code_by_hash(code_hash)^
SELECT c.*, c.expires_at <= now() AS expired FROM identity_authorization_codes c WHERE code_hash = :code_hash;

-- name: consume_code(code_hash)$
-- Exactly one caller wins: the one that flips used_at.
UPDATE identity_authorization_codes SET used_at = now()
WHERE code_hash = :code_hash AND used_at IS NULL AND expires_at > now() RETURNING 1;

-- name: revoke_families_of_code(code_hash, why)!
UPDATE identity_refresh_families SET revoked_at = now(), revoked_why = :why
WHERE code_hash = :code_hash AND revoked_at IS NULL;

-- Refresh tokens ------------------------------------------------------------------------------------------

-- name: insert_family(id, client_id, account_id, scope, acr, amr, auth_time, party, code_hash, expires_at)!
INSERT INTO identity_refresh_families (id, client_id, account_id, scope, acr, amr, auth_time, party, code_hash,
                                       expires_at)
VALUES (:id, :client_id, :account_id, :scope, :acr, :amr, :auth_time, :party, :code_hash, :expires_at);

-- name: insert_refresh_token(token_hash, family_id)!
INSERT INTO identity_refresh_tokens (token_hash, family_id) VALUES (:token_hash, :family_id);

-- name: refresh_token_by_hash(token_hash, idle_seconds)^
SELECT t.token_hash, t.used_at, f.id AS family_id, f.client_id, f.account_id, f.scope, f.acr, f.amr, f.auth_time,
       f.party, f.revoked_at,
       (f.expires_at <= now() OR f.last_used_at + make_interval(secs => :idle_seconds) <= now()) AS expired
FROM identity_refresh_tokens t JOIN identity_refresh_families f ON f.id = t.family_id
WHERE t.token_hash = :token_hash;

-- name: use_refresh_token(token_hash)$
UPDATE identity_refresh_tokens SET used_at = now() WHERE token_hash = :token_hash AND used_at IS NULL RETURNING 1;

-- name: touch_family(id)$
UPDATE identity_refresh_families SET last_used_at = now() WHERE id = :id AND revoked_at IS NULL RETURNING 1;

-- name: revoke_family(id, why)$
UPDATE identity_refresh_families SET revoked_at = now(), revoked_why = :why
WHERE id = :id AND revoked_at IS NULL RETURNING 1;

-- name: revoke_access_token(jti, expires_at)!
INSERT INTO identity_revoked_access_tokens (jti, expires_at) VALUES (:jti, :expires_at) ON CONFLICT DO NOTHING;

-- name: record_access_token(jti, family_id, code_hash, expires_at)!
-- What an access token came from, so revoking that ends it too.
INSERT INTO identity_issued_access_tokens (jti, family_id, code_hash, expires_at)
VALUES (:jti, :family_id, :code_hash, :expires_at);

-- name: revoke_access_tokens_of_family(id)!
INSERT INTO identity_revoked_access_tokens (jti, expires_at)
SELECT jti, expires_at FROM identity_issued_access_tokens WHERE family_id = :id AND expires_at > now()
ON CONFLICT DO NOTHING;

-- name: revoke_access_tokens_of_code(code_hash)!
-- Everything the code issued: its first access token, and those of the refresh family it started.
INSERT INTO identity_revoked_access_tokens (jti, expires_at)
SELECT jti, expires_at FROM identity_issued_access_tokens
WHERE (code_hash = :code_hash
       OR family_id IN (SELECT id FROM identity_refresh_families WHERE code_hash = :code_hash))
  AND expires_at > now()
ON CONFLICT DO NOTHING;

-- name: notify_revocations()$
SELECT pg_notify('identity_revocations', '');

-- name: revoked_access_tokens_since(since)
-- Unexpired revocations recorded at or after :since (NULL: all of them); exp in seconds since the epoch.
SELECT jti, extract(epoch FROM expires_at)::float8 AS exp, revoked_at
FROM identity_revoked_access_tokens
WHERE expires_at > now() AND (CAST(:since AS timestamptz) IS NULL OR revoked_at >= :since);

-- name: purge_expired_access_tokens()!
-- An expired token fails its own exp check: neither its revocation nor its origin is needed any more.
WITH revoked AS (DELETE FROM identity_revoked_access_tokens WHERE expires_at <= now())
DELETE FROM identity_issued_access_tokens WHERE expires_at <= now();

-- name: access_token_revoked(jti)$
SELECT EXISTS (SELECT 1 FROM identity_revoked_access_tokens WHERE jti = :jti);

-- Consents ------------------------------------------------------------------------------------------------

-- name: consent_covers(account_id, client_id, scopes)$
SELECT EXISTS (SELECT 1 FROM identity_consents
               WHERE account_id = :account_id AND client_id = :client_id AND scopes @> :scopes::text[]);

-- name: insert_consent(account_id, client_id, scopes)!
INSERT INTO identity_consents (account_id, client_id, scopes) VALUES (:account_id, :client_id, :scopes)
ON CONFLICT (account_id, client_id, scopes) DO UPDATE SET granted_at = now();

-- Department clients ----------------------------------------------------------------------------------------

-- name: department_known(slug)$
-- Department clients are registered for departments of the catalogue.
SELECT EXISTS (SELECT 1 FROM catalog_departments WHERE slug = :slug);

-- name: upsert_demo_department_client(client_id, name, department, secret_hash, scopes)!
-- Development: a simulated department system's client. Its secret follows the simulators' configuration, so a
-- re-created configuration re-keys the demo client; a real (non-demo) client of that id is never touched.
INSERT INTO identity_clients (client_id, name, kind, department, secret_hash, jwks, auth_method, redirect_uris,
                              post_logout_redirect_uris, grant_types, scopes, first_party, demo)
VALUES (:client_id, :name, 'confidential', :department, :secret_hash, NULL, 'client_secret_basic', '{}', '{}',
        '{client_credentials}', :scopes, true, true)
ON CONFLICT (client_id) DO UPDATE SET secret_hash = EXCLUDED.secret_hash, scopes = EXCLUDED.scopes,
                                      name = EXCLUDED.name
WHERE identity_clients.demo;
