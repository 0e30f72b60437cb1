-- The inbox and the live stream's reads. Messages are written by the domain whose change they announce, in
-- that change's transaction (record_messages), so a message exists exactly when its change does.

-- name: order_messages()!
-- Held to commit: message ids are then handed out in commit order, so a reader that has seen id N has seen
-- every message below N (the live stream's watermark relies on it). Taken just before the insert, last in the
-- transaction, so the wait is at most the rest of another short transaction.
SELECT pg_advisory_xact_lock(7020);

-- name: insert_message(account_id, kind, title, body, title_en, body_en, application_id, status)$
INSERT INTO notifications_messages (account_id, kind, title, body, title_en, body_en, application_id, status)
VALUES (:account_id, :kind, :title, :body, :title_en, :body_en, :application_id, :status)
RETURNING id;

-- name: add_english(application_id, status, title_en, body_en)!
-- Only rows of the caller's transaction: created_at defaults to now(), the transaction's start, which no
-- earlier transaction's rows can share (and an earlier message about the same status keeps its own words).
UPDATE notifications_messages SET title_en = :title_en, body_en = :body_en
WHERE application_id = :application_id AND status = :status AND created_at = now() AND body_en IS NULL;

-- name: notify_messages()$
SELECT pg_notify('notifications', '');

-- name: messages(account_id, unread_only, before_id, limit)
SELECT id, kind, title, body, title_en, body_en, application_id, status, created_at, read_at
FROM notifications_messages
WHERE account_id = :account_id::uuid
  AND (NOT :unread_only OR read_at IS NULL)
  AND (:before_id::bigint IS NULL OR id < :before_id)
ORDER BY id DESC
LIMIT :limit;

-- name: unread_count(account_id)$
SELECT count(*) FROM notifications_messages WHERE account_id = :account_id::uuid AND read_at IS NULL;

-- name: mark_read(account_id, ids)
UPDATE notifications_messages SET read_at = coalesce(read_at, now())
WHERE account_id = :account_id::uuid AND id = ANY(:ids)
RETURNING id;

-- name: mark_all_read(account_id, up_to)$
WITH marked AS (
    UPDATE notifications_messages SET read_at = now()
    WHERE account_id = :account_id::uuid AND read_at IS NULL AND id <= :up_to
    RETURNING 1
)
SELECT count(*) FROM marked;

-- name: messages_after(account_ids, after_id, limit)
SELECT id, account_id, kind, title, body, title_en, body_en, application_id, status, created_at, read_at
FROM notifications_messages
WHERE id > :after_id AND account_id = ANY(:account_ids)
ORDER BY id
LIMIT :limit;

-- name: last_message_id()$
SELECT coalesce(max(id), 0) FROM notifications_messages;
