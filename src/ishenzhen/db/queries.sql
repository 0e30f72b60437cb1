-- name: create_migrations_table()#
CREATE TABLE IF NOT EXISTS schema_migrations (
    version     integer     PRIMARY KEY,
    name        text        NOT NULL,
    checksum    text        NOT NULL,
    applied_at  timestamptz NOT NULL DEFAULT now()
);

-- name: applied_migrations()
SELECT version, name, checksum FROM schema_migrations ORDER BY version;

-- name: record_migration(version, name, checksum)!
INSERT INTO schema_migrations (version, name, checksum) VALUES (:version, :name, :checksum);

-- name: take_migration_lock(key)$
SELECT pg_advisory_lock(:key);

-- name: release_migration_lock(key)$
SELECT pg_advisory_unlock(:key);

-- name: ping()$
SELECT 1;
