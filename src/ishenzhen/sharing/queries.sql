-- name: lock_subject(subject)!
-- One writer per subject chain at a time (transaction-scoped); other subjects append in parallel.
SELECT pg_advisory_xact_lock(hashtextextended('sharing:' || :subject, 0));

-- name: chain_head(subject)^
SELECT seq, entry_hash FROM sharing_access_log WHERE subject = :subject ORDER BY seq DESC LIMIT 1;

-- name: insert_entry(subject, subject_kind, seq, at, requester, source, fields, purpose, application_id, citizen_action, item_code, outcome, prev_hash, entry_hash)^
INSERT INTO sharing_access_log (
    subject, subject_kind, seq, at, requester, source, fields, purpose, application_id, citizen_action, item_code,
    outcome, prev_hash, entry_hash
) VALUES (
    :subject, :subject_kind, :seq, :at, :requester, :source, :fields, :purpose, :application_id, :citizen_action,
    :item_code, :outcome, :prev_hash, :entry_hash
) RETURNING id;

-- name: entries_of(subject, before_id, page_size)
SELECT id, at, requester, source, fields, purpose, application_id, citizen_action, item_code, outcome
FROM sharing_access_log
WHERE subject = :subject AND (:before_id::bigint IS NULL OR id < :before_id)
ORDER BY id DESC
LIMIT :page_size;

-- name: all_entries_from(after_id, batch)
SELECT * FROM sharing_access_log WHERE id > :after_id ORDER BY id LIMIT :batch;

-- name: heads_as_of(last_id)
SELECT DISTINCT ON (subject) subject, seq, entry_hash
FROM sharing_access_log WHERE id <= :last_id
ORDER BY subject, seq DESC;

-- name: last_entry_id()$
SELECT coalesce(max(id), 0) FROM sharing_access_log;

-- name: latest_checkpoint()^
SELECT * FROM sharing_checkpoints ORDER BY id DESC LIMIT 1;

-- name: checkpoints()
SELECT * FROM sharing_checkpoints ORDER BY id;

-- name: insert_checkpoint(last_id, subjects, heads_digest, prev_digest, key_id, jws)^
INSERT INTO sharing_checkpoints (last_id, subjects, heads_digest, prev_digest, key_id, jws)
VALUES (:last_id, :subjects, :heads_digest, :prev_digest, :key_id, :jws) RETURNING id;

-- name: resident_id_of_account(id)$
-- Whose log a signed-in citizen may read: the resident ID their account was verified with (identity's table).
SELECT resident_id FROM identity_accounts WHERE id = :id;
