-- name: lock_subject(subject)!
-- One writer per subject chain at a time (transaction-scoped); other subjects append in parallel. The head is
-- read by the next statement: a statement's snapshot is taken when it starts, before a lock it waits for
-- inside, so reading the head in the same statement would see a stale one.
SELECT pg_advisory_xact_lock(hashtextextended('sharing:' || :subject, 0));

-- name: chain_head(subject)^
SELECT seq, entry_hash FROM sharing_access_log WHERE subject = :subject ORDER BY seq DESC LIMIT 1;

-- name: insert_entries(entries)
-- All of one call's entries in one statement (a JSON array; hashes in hex).
INSERT INTO sharing_access_log (
    subject, subject_kind, seq, at, requester, source, fields, purpose, application_id, citizen_action, item_code,
    outcome, prev_hash, entry_hash
)
SELECT e.subject, e.subject_kind, e.seq, e.at, e.requester, e.source,
       ARRAY(SELECT jsonb_array_elements_text(e.fields)), e.purpose, e.application_id, e.citizen_action, e.item_code,
       e.outcome, decode(e.prev_hash, 'hex'), decode(e.entry_hash, 'hex')
FROM jsonb_to_recordset(:entries::jsonb) AS e(
    subject text, subject_kind text, seq bigint, at timestamptz, requester text, source text, fields jsonb,
    purpose text, application_id uuid, citizen_action text, item_code text, outcome text, prev_hash text,
    entry_hash text
)
ORDER BY e.subject, e.seq
RETURNING id;

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

-- name: try_checkpoint_lock(key)$
-- Session-scoped: one instance signs a given round's checkpoint, the others skip that round.
SELECT pg_try_advisory_lock(:key);

-- name: release_checkpoint_lock(key)$
SELECT pg_advisory_unlock(:key);
