-- The service catalogue: the source of truth behind every instance's in-memory snapshot.
-- Documents are stored whole (JSONB, English keys) next to the columns that are joined, filtered or audited.

CREATE TABLE catalog_departments (
    slug         text PRIMARY KEY,
    name         text NOT NULL UNIQUE,
    credit_code  char(18) NOT NULL UNIQUE,
    document     jsonb NOT NULL
);

CREATE TABLE catalog_districts (
    code      char(6) PRIMARY KEY,
    name      text NOT NULL UNIQUE,
    document  jsonb NOT NULL
);

CREATE TABLE catalog_themes (
    code      text PRIMARY KEY,
    name      text NOT NULL,
    audience  text NOT NULL,
    document  jsonb NOT NULL
);

CREATE TABLE catalog_e_licence_types (
    code      text PRIMARY KEY,
    name      text NOT NULL,
    document  jsonb NOT NULL
);

CREATE TABLE catalog_items (
    code           text PRIMARY KEY,
    basic_code     text NOT NULL,
    department     text NOT NULL REFERENCES catalog_departments (slug),
    district       char(6) REFERENCES catalog_districts (code),
    name           text NOT NULL,
    -- 'listed' while the item is in the source files; 'withdrawn' once an import no longer carries it.
    listing        text NOT NULL DEFAULT 'listed' CHECK (listing IN ('listed', 'withdrawn')),
    version        integer NOT NULL CHECK (version >= 1),
    content_hash   bytea NOT NULL,
    document       jsonb NOT NULL,
    updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX catalog_items_department_idx ON catalog_items (department);
CREATE INDEX catalog_items_name_trgm_idx ON catalog_items USING gin (name gin_trgm_ops);

-- Every version an item has had, so a change is never a silent overwrite.
CREATE TABLE catalog_item_versions (
    code          text NOT NULL REFERENCES catalog_items (code),
    version       integer NOT NULL,
    content_hash  bytea NOT NULL,
    document      jsonb NOT NULL,
    listing       text NOT NULL,
    recorded_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (code, version)
);

-- One row: bumped by every import that changes anything; instances compare it to refresh their snapshot.
CREATE TABLE catalog_revision (
    singleton   boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    revision    bigint NOT NULL,
    changed_at  timestamptz NOT NULL DEFAULT now()
);
INSERT INTO catalog_revision (revision) VALUES (0);
