-- The registry's named queries. Every change to an item first locks its registry_items row (lock_item), so two
-- requests (or a request and the scheduler) on one item are serialised; different items never wait.

-- name: lock_item(code)^
SELECT code, department, withdraw_at, withdraw_reason, withdraw_by FROM registry_items WHERE code = :code FOR UPDATE;

-- name: insert_item(code, department, now)$
INSERT INTO registry_items (code, department, created_at) VALUES (:code, :department, :now)
ON CONFLICT (code) DO NOTHING
RETURNING code;

-- name: item_overviews(code, department, after, limit)
-- Items as the API shows them (one by ``code``, or a page of a department's or of all): the newest name,
-- published and newest version numbers, and the version in flight (``p_*``), in one round trip.
SELECT i.code, i.department, i.withdraw_at, i.withdraw_reason, i.withdraw_by,
       latest.version AS latest_version, latest.document ->> 'name' AS name,
       (SELECT version FROM registry_versions WHERE code = i.code AND status = 'published') AS published_version,
       EXISTS (SELECT 1 FROM registry_versions WHERE code = i.code AND status = 'withdrawn') AS ever_withdrawn,
       pending.version AS p_version, pending.status AS p_status, pending.based_on AS p_based_on,
       pending.content_hash AS p_content_hash, pending.effective_at AS p_effective_at,
       pending.created_at AS p_created_at, pending.created_by AS p_created_by,
       pending.submitted_at AS p_submitted_at, pending.submitted_by AS p_submitted_by,
       pending.decided_at AS p_decided_at, pending.decided_by AS p_decided_by, pending.reason AS p_reason,
       pending.published_at AS p_published_at
FROM registry_items AS i
JOIN LATERAL (
    SELECT version, document FROM registry_versions WHERE code = i.code ORDER BY version DESC LIMIT 1
) AS latest ON true
LEFT JOIN registry_versions AS pending
    ON pending.code = i.code AND pending.status IN ('draft', 'submitted', 'scheduled')
WHERE (:code::text IS NULL OR i.code = :code)
  AND (:department::text IS NULL OR i.department = :department)
  AND i.code > :after
ORDER BY i.code
LIMIT :limit;

-- name: version_row(code, version)^
SELECT v.*, v.document::text AS document_json, i.department
FROM registry_versions AS v JOIN registry_items AS i USING (code)
WHERE v.code = :code AND v.version = :version;

-- name: version_rows(code)
SELECT v.*, v.document::text AS document_json, i.department
FROM registry_versions AS v JOIN registry_items AS i USING (code)
WHERE v.code = :code ORDER BY v.version;

-- name: version_in_status(code, statuses)^
SELECT v.*, v.document::text AS document_json, i.department
FROM registry_versions AS v JOIN registry_items AS i USING (code)
WHERE v.code = :code AND v.status = ANY(:statuses)
ORDER BY v.version DESC LIMIT 1;

-- name: next_version(code)$
SELECT coalesce(max(version), 0) + 1 FROM registry_versions WHERE code = :code;

-- name: insert_version(code, version, status, document, content_hash, based_on, actor, now)!
INSERT INTO registry_versions (code, version, status, document, content_hash, based_on, created_at, created_by,
                               updated_at)
VALUES (:code, :version, :status, :document, :content_hash, :based_on, :now, :actor, :now);

-- name: update_draft(code, version, document, content_hash, now)!
UPDATE registry_versions SET document = :document, content_hash = :content_hash, updated_at = :now
WHERE code = :code AND version = :version AND status = 'draft';

-- name: mark_submitted(code, version, effective_at, actor, now)!
UPDATE registry_versions
SET status = 'submitted', effective_at = :effective_at, submitted_at = :now, submitted_by = :actor,
    updated_at = :now
WHERE code = :code AND version = :version;

-- name: mark_decided(code, version, status, actor, reason, now)!
UPDATE registry_versions
SET status = :status, decided_at = :now, decided_by = :actor, reason = coalesce(:reason, reason),
    updated_at = :now
WHERE code = :code AND version = :version;

-- name: set_status(code, version, status, now)!
UPDATE registry_versions SET status = :status, updated_at = :now WHERE code = :code AND version = :version;

-- name: mark_published(code, version, now)!
UPDATE registry_versions SET status = 'published', published_at = :now, updated_at = :now
WHERE code = :code AND version = :version;

-- name: schedule_withdrawal(code, at, reason, actor)!
UPDATE registry_items SET withdraw_at = :at, withdraw_reason = :reason, withdraw_by = :actor WHERE code = :code;

-- name: clear_withdrawal(code)!
UPDATE registry_items SET withdraw_at = NULL, withdraw_reason = NULL, withdraw_by = NULL WHERE code = :code;

-- name: insert_audit(code, version, action, actor, client_id, department, reason, changes, now)!
INSERT INTO registry_audit (code, version, action, actor, client_id, department, reason, changes, at)
VALUES (:code, :version, :action, :actor, :client_id, :department, :reason, :changes, :now);

-- name: audit_of(code)
SELECT at, action, version, actor, client_id, department, reason, changes::text AS changes_json
FROM registry_audit WHERE code = :code ORDER BY id;

-- name: review_queue(limit)
SELECT v.code, i.department, v.version
FROM registry_versions AS v JOIN registry_items AS i USING (code)
WHERE v.status = 'submitted'
ORDER BY v.submitted_at, v.code LIMIT :limit;

-- name: due_items(now, limit)
-- The scheduler's work: items with a publication or a withdrawal that is due. SKIP LOCKED: another instance
-- (or a request) holding an item is left alone, so no item is ever published twice.
SELECT i.code FROM registry_items AS i
WHERE i.withdraw_at <= :now
   OR EXISTS (SELECT 1 FROM registry_versions AS v
              WHERE v.code = i.code AND v.status = 'scheduled' AND v.effective_at <= :now)
ORDER BY i.code
LIMIT :limit
FOR UPDATE OF i SKIP LOCKED;

-- name: department_documents()
SELECT slug, document::text AS document FROM catalog_departments ORDER BY slug;

-- name: reference_codes()^
SELECT (SELECT coalesce(array_agg(code ORDER BY code), '{}') FROM catalog_districts)::text[] AS districts,
       (SELECT coalesce(array_agg(code ORDER BY code), '{}') FROM catalog_themes) AS themes,
       (SELECT coalesce(array_agg(code ORDER BY code), '{}') FROM catalog_e_licence_types) AS licences;

-- name: published_documents(department)
SELECT v.document::text AS document
FROM registry_versions AS v JOIN registry_items AS i USING (code)
WHERE i.department = :department AND v.status = 'published'
ORDER BY v.code;

-- Bulk import ----------------------------------------------------------------------------------------------
-- After the catalogue's import has written catalog_items, the registry records what changed as versions of
-- actor `import`: a listed item whose content differs from its published version gets a new published version;
-- a withdrawn item's published version is marked withdrawn. Drafts and submissions in flight are left alone.

-- name: import_items(now)!
INSERT INTO registry_items (code, department, created_at)
SELECT code, department, :now FROM catalog_items
ON CONFLICT (code) DO UPDATE SET department = excluded.department
WHERE registry_items.department <> excluded.department;

-- name: collect_imported()#
CREATE TEMPORARY TABLE registry_import ON COMMIT DROP AS
SELECT c.code, c.listing, c.document, c.content_hash, p.version AS published_version,
       (SELECT coalesce(max(version), 0) + 1 FROM registry_versions AS v WHERE v.code = c.code) AS next_version
FROM catalog_items AS c
LEFT JOIN registry_versions AS p ON p.code = c.code AND p.status = 'published'
WHERE (c.listing = 'listed' AND (p.code IS NULL OR p.content_hash <> c.content_hash))
   OR (c.listing = 'withdrawn' AND p.code IS NOT NULL);

-- name: retire_imported(now)!
UPDATE registry_versions AS v
SET status = CASE WHEN r.listing = 'listed' THEN 'superseded' ELSE 'withdrawn' END, updated_at = :now
FROM registry_import AS r
WHERE v.code = r.code AND v.status = 'published';

-- name: insert_imported(now)!
INSERT INTO registry_versions (code, version, status, document, content_hash, based_on, created_at, created_by,
                               updated_at, submitted_at, submitted_by, decided_at, decided_by, published_at)
SELECT code, next_version, 'published', document, content_hash, published_version, :now, 'import', :now, :now,
       'import', :now, 'import', :now
FROM registry_import WHERE listing = 'listed';

-- name: audit_imported(now)!
INSERT INTO registry_audit (code, version, action, actor, at)
SELECT code, CASE WHEN listing = 'listed' THEN next_version ELSE published_version END,
       CASE WHEN listing = 'listed' THEN 'imported' ELSE 'withdrawn' END, 'import', :now
FROM registry_import ORDER BY code;

-- name: imported_counts()^
SELECT count(*) FILTER (WHERE listing = 'listed') AS published, count(*) FILTER (WHERE listing = 'withdrawn') AS withdrawn
FROM registry_import;

-- name: department_exists(slug)$
SELECT EXISTS (SELECT 1 FROM catalog_departments WHERE slug = :slug);

-- name: drop_import_table()!
-- The work table of one import (made by import_items); dropped before the transaction ends.
DROP TABLE registry_import;
