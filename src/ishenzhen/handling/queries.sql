-- Handling's named queries. Every change to an application first locks its row (lock_application), so a
-- department event, a delivery outcome and the applicant's withdrawal on one application are serialised.

-- Submissions -----------------------------------------------------------------------------------------------

-- name: try_lock_idempotency_key(client_id, subject, key)$
-- Held until the transaction ends: a second request with the same key meanwhile is told it is in flight.
SELECT pg_try_advisory_xact_lock(7010, hashtext(:client_id || ' ' || :subject || ' ' || :key));

-- name: idempotency_key(client_id, subject, key)^
SELECT fingerprint, response::text AS response, application_id
FROM handling_idempotency_keys
WHERE client_id = :client_id AND subject = :subject::uuid AND key = :key AND expires_at > now();

-- name: delete_expired_idempotency_key(client_id, subject, key)!
DELETE FROM handling_idempotency_keys
WHERE client_id = :client_id AND subject = :subject::uuid AND key = :key AND expires_at <= now();

-- name: insert_idempotency_key(client_id, subject, key, fingerprint, application_id, response, hours)!
INSERT INTO handling_idempotency_keys (client_id, subject, key, fingerprint, application_id, response, expires_at)
VALUES (:client_id, :subject::uuid, :key, :fingerprint, :application_id, :response::jsonb,
        now() + make_interval(hours => :hours));

-- name: delete_expired_idempotency_keys(limit)
WITH expired AS (
    SELECT client_id, subject, key FROM handling_idempotency_keys WHERE expires_at <= now() LIMIT :limit
)
DELETE FROM handling_idempotency_keys k USING expired e
WHERE (k.client_id, k.subject, k.key) = (e.client_id, e.subject, e.key)
RETURNING 1;

-- name: next_serial()$
SELECT nextval('handling_application_serial');

-- name: insert_application(id, number, item_code, item_version, department, applicant_id, client_id, party_kind, credit_code, spec_version, capabilities, form, submitted_at)!
INSERT INTO handling_applications (id, number, item_code, item_version, department, applicant_id, client_id,
                                   party_kind, credit_code, spec_version, capabilities, form, status,
                                   submitted_at, updated_at)
VALUES (:id, :number, :item_code, :item_version, :department, :applicant_id::uuid, :client_id, :party_kind,
        :credit_code, :spec_version, :capabilities, :form::jsonb, 'submitted', :submitted_at, :submitted_at);

-- name: materials_for_update(ids)
SELECT id, owner_id, name, media_type, size, sha256, application_id, expires_at <= now() AS expired
FROM handling_materials WHERE id = ANY(:ids) FOR UPDATE;

-- name: attach_materials(ids, application_id)!
UPDATE handling_materials SET application_id = :application_id, expires_at = NULL WHERE id = ANY(:ids);

-- name: insert_outbox(application_id, kind, department, path, body)$
INSERT INTO handling_outbox (application_id, kind, department, path, body)
VALUES (:application_id, :kind, :department, :path, :body)
RETURNING id;

-- name: notify_outbox()$
SELECT pg_notify('handling_outbox', '');

-- Reading ---------------------------------------------------------------------------------------------------

-- name: visible_applications(account_id, status, item_code, submitted_from, submitted_before, after_time, after_id, limit)
-- Mine (acting for myself), and my enterprises' while I hold a valid role there; newest first.
WITH enterprises AS (
    SELECT credit_code FROM identity_enterprise_roles
    WHERE account_id = :account_id::uuid AND (expires_at IS NULL OR expires_at > now())
), visible AS (
    SELECT * FROM handling_applications WHERE party_kind = 'self' AND applicant_id = :account_id::uuid
    UNION ALL
    SELECT a.* FROM handling_applications a JOIN enterprises e ON a.credit_code = e.credit_code
)
SELECT id, number, item_code, item_version, department, party_kind, credit_code, status, receipt_number,
       submitted_at, updated_at
FROM visible
WHERE (:status::text IS NULL OR status = :status)
  AND (:item_code::text IS NULL OR item_code = :item_code)
  AND (:submitted_from::timestamptz IS NULL OR submitted_at >= :submitted_from)
  AND (:submitted_before::timestamptz IS NULL OR submitted_at < :submitted_before)
  AND (:after_time::timestamptz IS NULL OR (submitted_at, id) < (:after_time, :after_id::uuid))
ORDER BY submitted_at DESC, id DESC
LIMIT :limit;

-- name: visible_application(account_id, id)^
SELECT a.id, a.number, a.item_code, a.item_version, a.department, a.applicant_id, a.party_kind, a.credit_code,
       a.spec_version, a.capabilities, a.form::text AS form, a.status, a.receipt_number, a.event_sequence,
       a.submitted_at, a.updated_at
FROM handling_applications a
WHERE a.id = :id
  AND ((a.party_kind = 'self' AND a.applicant_id = :account_id::uuid)
       OR EXISTS (SELECT 1 FROM identity_enterprise_roles r
                  WHERE r.credit_code = a.credit_code AND r.account_id = :account_id::uuid
                    AND (r.expires_at IS NULL OR r.expires_at > now())));

-- name: timeline(application_id)
SELECT position, status, previous_status, actor_kind, actor, message, occurred_at
FROM handling_timeline WHERE application_id = :application_id ORDER BY position;

-- name: application_materials(application_id)
SELECT id, name, media_type, size, sha256 FROM handling_materials
WHERE application_id = :application_id ORDER BY created_at, id;

-- Changing --------------------------------------------------------------------------------------------------

-- name: lock_application(id)^
SELECT id, number, item_code, department, applicant_id, party_kind, credit_code, status, receipt_number,
       event_sequence
FROM handling_applications WHERE id = :id FOR UPDATE;

-- name: lock_application_by_number(number)^
SELECT id, number, item_code, department, applicant_id, party_kind, credit_code, status, receipt_number,
       event_sequence
FROM handling_applications WHERE number = :number FOR UPDATE;

-- name: set_status(id, status, receipt_number, event_sequence)!
UPDATE handling_applications
SET status = :status, receipt_number = coalesce(:receipt_number, receipt_number),
    event_sequence = coalesce(:event_sequence, event_sequence), updated_at = now()
WHERE id = :id;

-- name: append_timeline(application_id, status, previous_status, actor_kind, actor, message, occurred_at)!
INSERT INTO handling_timeline (application_id, position, status, previous_status, actor_kind, actor, message,
                               occurred_at)
SELECT :application_id, coalesce(max(position), 0) + 1, :status, :previous_status, :actor_kind, :actor,
       :message, :occurred_at
FROM handling_timeline WHERE application_id = :application_id;

-- name: enterprise_members(credit_code)
SELECT account_id FROM identity_enterprise_roles
WHERE credit_code = :credit_code AND (expires_at IS NULL OR expires_at > now());

-- Department events -----------------------------------------------------------------------------------------

-- name: department_event(event_id)^
SELECT event_id, application_id, sequence, fingerprint, applied_at FROM handling_department_events
WHERE event_id = :event_id;

-- name: insert_department_event(event_id, application_id, department, sequence, status, occurred_at, message, receipt_number, data, fingerprint)!
INSERT INTO handling_department_events (event_id, application_id, department, sequence, status, occurred_at,
                                        message, receipt_number, data, fingerprint)
VALUES (:event_id, :application_id, :department, :sequence, :status, :occurred_at, :message, :receipt_number,
        :data::jsonb, :fingerprint);

-- name: sequence_taken(application_id, sequence)$
SELECT EXISTS (SELECT 1 FROM handling_department_events WHERE application_id = :application_id AND sequence = :sequence);

-- name: waiting_event(application_id, sequence)^
SELECT event_id, sequence, status, occurred_at, message, receipt_number FROM handling_department_events
WHERE application_id = :application_id AND sequence = :sequence AND applied_at IS NULL;

-- name: mark_event_applied(event_id)!
UPDATE handling_department_events SET applied_at = now() WHERE event_id = :event_id;

-- name: delete_department_event(event_id)!
DELETE FROM handling_department_events WHERE event_id = :event_id;

-- The outbox ------------------------------------------------------------------------------------------------

-- name: claim_due(owner, lease_seconds, limit)
-- The oldest due records, skipping those another worker holds, and only the first pending record of each
-- application (a withdrawal never overtakes its submission). The lease is the new available_at.
WITH due AS (
    SELECT o.id FROM handling_outbox o
    WHERE o.state = 'pending' AND o.available_at <= now()
      AND NOT EXISTS (SELECT 1 FROM handling_outbox p
                      WHERE p.application_id = o.application_id AND p.state = 'pending' AND p.id < o.id)
    ORDER BY o.available_at, o.id
    LIMIT :limit
    FOR UPDATE SKIP LOCKED
)
UPDATE handling_outbox o
SET available_at = now() + make_interval(secs => :lease_seconds), lease_owner = :owner, attempts = o.attempts + 1
FROM due, handling_applications a
WHERE o.id = due.id AND a.id = o.application_id
RETURNING o.id, o.application_id, o.kind, o.department, o.path, o.body, o.attempts, o.created_at,
          a.number, a.applicant_id, a.party_kind, a.credit_code;

-- name: outbox_for_update(id, owner)^
-- The record again, under lock, if this worker still holds it (a lease that expired may have moved on).
SELECT id, application_id, kind, attempts, state FROM handling_outbox
WHERE id = :id AND lease_owner = :owner AND state = 'pending' FOR UPDATE;

-- name: outbox_delivered(id, status)!
UPDATE handling_outbox
SET state = 'delivered', delivered_at = now(), lease_owner = NULL, last_outcome = 'delivered', last_status = :status,
    last_error = NULL, error_source = NULL
WHERE id = :id;

-- name: outbox_retry(id, delay_seconds, outcome, status, error, error_source)!
UPDATE handling_outbox
SET available_at = now() + make_interval(secs => :delay_seconds), lease_owner = NULL, last_outcome = :outcome,
    last_status = :status, last_error = :error, error_source = :error_source
WHERE id = :id;

-- name: outbox_deferred(id, delay_seconds, error)!
-- The gateway held the request back (circuit open, retry budget spent): the claim's attempt is given back.
UPDATE handling_outbox
SET available_at = now() + make_interval(secs => :delay_seconds), lease_owner = NULL, attempts = attempts - 1,
    last_outcome = 'deferred', last_status = NULL, last_error = :error, error_source = 'gateway'
WHERE id = :id;

-- name: outbox_dead(id, outcome, status, error, error_source)!
UPDATE handling_outbox
SET state = 'dead', dead_at = now(), lease_owner = NULL, last_outcome = :outcome, last_status = :status,
    last_error = :error, error_source = :error_source
WHERE id = :id;

-- name: dead_letters(after_id, limit)
SELECT o.id, o.application_id, a.number, o.kind, o.department, o.attempts, o.last_outcome, o.last_status,
       o.last_error, o.error_source, o.created_at, o.dead_at
FROM handling_outbox o JOIN handling_applications a ON a.id = o.application_id
WHERE o.state = 'dead' AND (:after_id::bigint IS NULL OR o.id < :after_id)
ORDER BY o.id DESC
LIMIT :limit;

-- name: dead_letter_for_update(id)^
SELECT id, application_id, kind, state FROM handling_outbox WHERE id = :id FOR UPDATE;

-- name: requeue(id)!
UPDATE handling_outbox
SET state = 'pending', attempts = 0, available_at = now(), dead_at = NULL, lease_owner = NULL
WHERE id = :id;

-- name: outbox_depth()
SELECT department, count(*) AS pending, extract(epoch FROM now() - min(created_at))::float8 AS oldest_seconds
FROM handling_outbox WHERE state = 'pending' GROUP BY department;

-- name: dead_count()$
SELECT count(*) FROM handling_outbox WHERE state = 'dead';

-- Materials -------------------------------------------------------------------------------------------------

-- name: insert_material(id, owner_id, name, media_type, size, sha256, pages, storage, storage_key, content, hours)$
INSERT INTO handling_materials (id, owner_id, name, media_type, size, sha256, pages, storage, storage_key, content,
                                expires_at)
VALUES (:id, :owner_id::uuid, :name, :media_type, :size, :sha256, :pages, :storage, :storage_key, :content,
        now() + make_interval(hours => :hours))
RETURNING expires_at;

-- name: material_for_owner(id, owner_id)^
SELECT id, name, media_type, size, sha256, storage, storage_key, content FROM handling_materials
WHERE id = :id AND owner_id = :owner_id::uuid AND (expires_at IS NULL OR expires_at > now());

-- name: material_for_department(id, department)^
SELECT m.id, m.name, m.media_type, m.size, m.sha256, m.storage, m.storage_key, m.content
FROM handling_materials m JOIN handling_applications a ON a.id = m.application_id
WHERE m.id = :id AND a.department = :department;

-- name: delete_expired_materials(limit)
WITH expired AS (
    SELECT id FROM handling_materials WHERE application_id IS NULL AND expires_at <= now() LIMIT :limit
)
DELETE FROM handling_materials m USING expired e WHERE m.id = e.id
RETURNING 1;

-- Instant approval -------------------------------------------------------------------------------------------

-- name: insert_instant_decision(application_id, rule_set_version)!
INSERT INTO handling_instant_decisions (application_id, rule_set_version)
VALUES (:application_id, :rule_set_version);

-- name: claim_instant_decisions(owner, lease_seconds, application_id, limit)
-- Pending decisions that are due (or the one named, if still pending and not held by another live lease),
-- skipping those another decider holds; the lease is the new available_at.
WITH due AS (
    SELECT d.application_id FROM handling_instant_decisions d
    WHERE d.state = 'pending' AND d.available_at <= now()
      AND (CAST(:application_id AS uuid) IS NULL OR d.application_id = CAST(:application_id AS uuid))
    ORDER BY d.available_at
    LIMIT :limit
    FOR UPDATE SKIP LOCKED
)
UPDATE handling_instant_decisions d
SET available_at = now() + make_interval(secs => :lease_seconds), lease_owner = :owner, attempts = d.attempts + 1
FROM due, handling_applications a
WHERE d.application_id = due.application_id AND a.id = d.application_id
RETURNING d.application_id, d.attempts, a.item_code, a.applicant_id, a.party_kind, a.credit_code, a.form,
          a.number, a.department, a.submitted_at;

-- name: instant_decision_for_update(application_id, owner)^
-- The claim again, under lock, if this decider still holds it.
SELECT application_id, state FROM handling_instant_decisions
WHERE application_id = :application_id AND lease_owner = :owner AND state = 'pending' FOR UPDATE;

-- name: record_instant_decision(application_id, outcome, decision)!
UPDATE handling_instant_decisions
SET state = 'decided', outcome = :outcome, decision = CAST(:decision AS jsonb), decided_at = now(),
    lease_owner = NULL
WHERE application_id = :application_id;

-- name: instant_decision(application_id)^
SELECT application_id, state, outcome, decision, attempts, created_at, decided_at
FROM handling_instant_decisions WHERE application_id = :application_id;

-- name: decision_view(application_id)^
-- The rules' decision on an application as its applicant reads it, with the result it issued (if any).
SELECT d.state, d.outcome, d.decision::text AS decision, d.decided_at, r.id AS result_id
FROM handling_instant_decisions d
LEFT JOIN results_issued r ON r.application_id = d.application_id
WHERE d.application_id = :application_id
ORDER BY r.issued_at DESC NULLS LAST
LIMIT 1;
