-- name: lock_catalog_import()$
-- Imports are serialised; instances reading the catalogue are never blocked.
SELECT pg_advisory_xact_lock(7484);

-- name: upsert_department(slug, name, credit_code, document)*!
INSERT INTO catalog_departments (slug, name, credit_code, document)
VALUES (:slug, :name, :credit_code, :document)
ON CONFLICT (slug) DO UPDATE
SET name = excluded.name, credit_code = excluded.credit_code, document = excluded.document
WHERE catalog_departments.document IS DISTINCT FROM excluded.document;

-- name: upsert_district(code, name, document)*!
INSERT INTO catalog_districts (code, name, document)
VALUES (:code, :name, :document)
ON CONFLICT (code) DO UPDATE
SET name = excluded.name, document = excluded.document
WHERE catalog_districts.document IS DISTINCT FROM excluded.document;

-- name: upsert_theme(code, name, audience, document)*!
INSERT INTO catalog_themes (code, name, audience, document)
VALUES (:code, :name, :audience, :document)
ON CONFLICT (code) DO UPDATE
SET name = excluded.name, audience = excluded.audience, document = excluded.document
WHERE catalog_themes.document IS DISTINCT FROM excluded.document;

-- name: upsert_e_licence_type(code, name, document)*!
INSERT INTO catalog_e_licence_types (code, name, document)
VALUES (:code, :name, :document)
ON CONFLICT (code) DO UPDATE
SET name = excluded.name, document = excluded.document
WHERE catalog_e_licence_types.document IS DISTINCT FROM excluded.document;

-- name: reference_fingerprint()$
-- Changes to departments, districts, themes and licence types also need a new snapshot.
SELECT md5(string_agg(document::text, '|' ORDER BY key))
FROM (
    SELECT 'd' || slug AS key, document FROM catalog_departments
    UNION ALL SELECT 'r' || code, document FROM catalog_districts
    UNION ALL SELECT 't' || code, document FROM catalog_themes
    UNION ALL SELECT 'e' || code, document FROM catalog_e_licence_types
) AS reference;

-- name: create_incoming_items()#
CREATE TEMPORARY TABLE incoming_items (
    code text PRIMARY KEY,
    basic_code text NOT NULL,
    department text NOT NULL,
    district char(6),
    name text NOT NULL,
    content_hash bytea NOT NULL,
    document jsonb NOT NULL
) ON COMMIT DROP;

-- name: insert_added_items()
INSERT INTO catalog_items (code, basic_code, department, district, name, version, content_hash, document)
SELECT i.code, i.basic_code, i.department, i.district, i.name, 1, i.content_hash, i.document
FROM incoming_items AS i
WHERE NOT EXISTS (SELECT 1 FROM catalog_items AS c WHERE c.code = i.code)
RETURNING code;

-- name: update_changed_items()
UPDATE catalog_items AS c
SET basic_code = i.basic_code, department = i.department, district = i.district, name = i.name,
    content_hash = i.content_hash, document = i.document, listing = 'listed',
    version = c.version + 1, updated_at = now()
FROM incoming_items AS i
WHERE c.code = i.code AND (c.content_hash <> i.content_hash OR c.listing = 'withdrawn')
RETURNING c.code;

-- name: withdraw_missing_items()
UPDATE catalog_items AS c
SET listing = 'withdrawn', version = c.version + 1, updated_at = now()
WHERE c.listing = 'listed' AND NOT EXISTS (SELECT 1 FROM incoming_items AS i WHERE i.code = c.code)
RETURNING c.code;

-- name: record_versions(codes)!
INSERT INTO catalog_item_versions (code, version, content_hash, document, listing)
SELECT code, version, content_hash, document, listing FROM catalog_items WHERE code = ANY(:codes);

-- name: bump_revision()$
UPDATE catalog_revision SET revision = revision + 1, changed_at = now() RETURNING revision;

-- name: notify_changed(revision)$
SELECT pg_notify('catalog_changed', :revision);

-- name: current_revision()$
SELECT revision FROM catalog_revision;

-- name: listed_item_documents()
SELECT document::text AS document FROM catalog_items WHERE listing = 'listed' ORDER BY code;

-- name: department_documents()
SELECT document::text AS document FROM catalog_departments ORDER BY slug;

-- name: district_documents()
SELECT document::text AS document FROM catalog_districts ORDER BY code;

-- name: theme_documents()
SELECT document::text AS document FROM catalog_themes ORDER BY code;

-- name: e_licence_type_documents()
SELECT document::text AS document FROM catalog_e_licence_types ORDER BY code;

-- name: upsert_published_item(code, basic_code, department, district, name, content_hash, document)^
-- A publication from the registry: the item is listed with this document from now on.
INSERT INTO catalog_items (code, basic_code, department, district, name, version, content_hash, document)
VALUES (:code, :basic_code, :department, :district, :name, 1, :content_hash, :document)
ON CONFLICT (code) DO UPDATE
SET basic_code = excluded.basic_code, department = excluded.department, district = excluded.district,
    name = excluded.name, content_hash = excluded.content_hash, document = excluded.document,
    listing = 'listed', version = catalog_items.version + 1, updated_at = now()
WHERE catalog_items.content_hash <> excluded.content_hash OR catalog_items.listing = 'withdrawn'
RETURNING code;

-- name: withdraw_items(codes)
UPDATE catalog_items
SET listing = 'withdrawn', version = version + 1, updated_at = now()
WHERE code = ANY(:codes) AND listing = 'listed'
RETURNING code;

-- name: revision_state()^
SELECT revision, reference_revision FROM catalog_revision;

-- name: item_changes_since(revision)
-- Everything an instance at ``revision`` has not seen: listed documents to add or replace, withdrawn codes to drop.
SELECT code, listing, CASE WHEN listing = 'listed' THEN document::text END AS document
FROM catalog_items
WHERE changed_revision > :revision
ORDER BY code;

-- name: has_items()$
SELECT EXISTS (SELECT 1 FROM catalog_items);
