-- Accounts ----------------------------------------------------------------------------------------------

-- name: account_by_mobile(mobile)^
SELECT * FROM identity_accounts WHERE mobile = :mobile;

-- name: account_by_id(id)^
SELECT * FROM identity_accounts WHERE id = :id;

-- name: insert_account(id, mobile, password_hash, demo)!
INSERT INTO identity_accounts (id, mobile, password_hash, demo) VALUES (:id, :mobile, :password_hash, :demo)
ON CONFLICT DO NOTHING;

-- name: set_password_hash(id, password_hash)!
UPDATE identity_accounts SET password_hash = :password_hash WHERE id = :id;

-- name: count_demo_accounts()$
-- Demo citizens and enterprises: production refuses to start while any exist.
SELECT (SELECT count(*) FROM identity_accounts WHERE demo) + (SELECT count(*) FROM identity_enterprises WHERE demo);

-- name: lock_demo_seed()$
-- Serialises instances seeding the development demo data at the same start.
SELECT pg_advisory_xact_lock(4005);

-- name: set_real_name(id, name, resident_id)!
UPDATE identity_accounts
SET name = :name, resident_id = :resident_id, verified_at = now(), assurance_level = greatest(assurance_level, 2)
WHERE id = :id;

-- name: set_face_checked(id)!
UPDATE identity_accounts SET face_checked_at = now(), assurance_level = 3 WHERE id = :id AND assurance_level >= 2;

-- name: register_person(resident_id)^
SELECT resident_id, name FROM identity_population_register WHERE resident_id = :resident_id;

-- Enterprises ---------------------------------------------------------------------------------------------

-- name: insert_enterprise(credit_code, name, demo)!
INSERT INTO identity_enterprises (credit_code, name, demo) VALUES (:credit_code, :name, :demo)
ON CONFLICT DO NOTHING;

-- name: upsert_enterprise_role(credit_code, account_id, role, scopes, expires_at)!
INSERT INTO identity_enterprise_roles (credit_code, account_id, role, scopes, expires_at)
VALUES (:credit_code, :account_id, :role, :scopes, :expires_at)
ON CONFLICT (credit_code, account_id) DO UPDATE
SET role = excluded.role, scopes = excluded.scopes, expires_at = excluded.expires_at, granted_at = now();

-- name: parties_of(account_id)
SELECT r.credit_code, e.name, r.role, r.scopes, r.expires_at
FROM identity_enterprise_roles r JOIN identity_enterprises e USING (credit_code)
WHERE r.account_id = :account_id AND (r.expires_at IS NULL OR r.expires_at > now())
ORDER BY e.name;

-- SMS -----------------------------------------------------------------------------------------------------

-- name: insert_sms_code(mobile, code_hash, expires_at)!
INSERT INTO identity_sms_codes (mobile, code_hash, expires_at) VALUES (:mobile, :code_hash, :expires_at);

-- name: latest_sms_code(mobile)^
SELECT id, code_hash, attempts FROM identity_sms_codes
WHERE mobile = :mobile AND used_at IS NULL AND expires_at > now()
ORDER BY created_at DESC LIMIT 1;

-- name: count_sms_attempt(id)$
UPDATE identity_sms_codes SET attempts = attempts + 1 WHERE id = :id RETURNING attempts;

-- name: use_sms_code(id)$
UPDATE identity_sms_codes SET used_at = now() WHERE id = :id AND used_at IS NULL RETURNING 1;

-- name: insert_sms_outbox(mobile, message)!
INSERT INTO identity_sms_outbox (mobile, message) VALUES (:mobile, :message);

-- name: sms_outbox(limit)
SELECT id, mobile, message, created_at FROM identity_sms_outbox ORDER BY id DESC LIMIT :limit;

-- Audit ------------------------------------------------------------------------------------------------

-- name: audit(event, account_id, client_id, address, detail)!
INSERT INTO identity_audit (event, account_id, client_id, address, detail)
VALUES (:event, :account_id, :client_id, :address, :detail);

-- Agent grants ----------------------------------------------------------------------------------------------

-- name: enterprise_role(credit_code, account_id)^
SELECT r.role, r.scopes, r.expires_at, e.name FROM identity_enterprise_roles r
JOIN identity_enterprises e USING (credit_code)
WHERE r.credit_code = :credit_code AND r.account_id = :account_id
  AND (r.expires_at IS NULL OR r.expires_at > now());

-- name: agents_of(credit_code)
-- The enterprise's agents whose authorisation has not expired, newest grant first.
SELECT r.account_id, a.name, r.scopes, r.expires_at FROM identity_enterprise_roles r
JOIN identity_accounts a ON a.id = r.account_id
WHERE r.credit_code = :credit_code AND r.role = 'agent' AND r.expires_at > now()
ORDER BY r.granted_at DESC, r.account_id;

-- name: revoke_agent(credit_code, account_id)$
DELETE FROM identity_enterprise_roles
WHERE credit_code = :credit_code AND account_id = :account_id AND role = 'agent' RETURNING 1;

-- Agent invitations -----------------------------------------------------------------------------------------

-- name: insert_agent_invitation(id, credit_code, invited_by, mobile, scopes, grant_expires_at, expires_at)!
INSERT INTO identity_agent_invitations (id, credit_code, invited_by, mobile, scopes, grant_expires_at, expires_at)
VALUES (:id, :credit_code, :invited_by, :mobile, :scopes, :grant_expires_at, :expires_at);

-- name: pending_agent_invitations(mobile)
-- Unanswered, unexpired invitations to the number, newest first, with the enterprise's name.
SELECT i.id, i.credit_code, e.name AS enterprise_name, i.scopes, i.grant_expires_at, i.created_at, i.expires_at
FROM identity_agent_invitations i JOIN identity_enterprises e ON e.credit_code = i.credit_code
WHERE i.mobile = :mobile AND i.answered_at IS NULL AND i.expires_at > now() AND i.grant_expires_at > now()
ORDER BY i.created_at DESC, i.id
LIMIT 100;

-- name: answer_agent_invitation(id, mobile, answer)^
-- Exactly one answer wins, and only the invitee's, while the invitation is pending.
UPDATE identity_agent_invitations SET answered_at = now(), answer = :answer
WHERE id = :id AND mobile = :mobile AND answered_at IS NULL AND expires_at > now() AND grant_expires_at > now()
RETURNING credit_code, invited_by, scopes, grant_expires_at;
