-- PLACEHOLDER queries of the registry branch's minimal catalog.publication (replaced by the lead's).

-- name: upsert_published_item(code, basic_code, department, district, name, content_hash, document)$
INSERT INTO catalog_items (code, basic_code, department, district, name, version, content_hash, document)
VALUES (:code, :basic_code, :department, :district, :name, 1, :content_hash, :document)
ON CONFLICT (code) DO UPDATE
SET basic_code = excluded.basic_code, department = excluded.department, district = excluded.district,
    name = excluded.name, content_hash = excluded.content_hash, document = excluded.document,
    listing = 'listed', version = catalog_items.version + 1, updated_at = now()
WHERE catalog_items.content_hash <> excluded.content_hash OR catalog_items.listing = 'withdrawn'
RETURNING code;

-- name: withdraw_items(codes)
UPDATE catalog_items SET listing = 'withdrawn', version = version + 1, updated_at = now()
WHERE code = ANY(:codes) AND listing = 'listed'
RETURNING code;
