-- The service-item registry: departments register item versions, reviewers approve them, and publishing
-- writes the public catalogue (catalog_items) through catalog.publication in the same transaction.
-- catalog_item_versions stays as it is: it is the catalogue's own log of what the public could read (import and
-- publication both append to it); the registry's versions below are the departments' log of what they proposed.

CREATE TABLE registry_items (
    code              text PRIMARY KEY,
    department        text NOT NULL REFERENCES catalog_departments (slug),
    created_at        timestamptz NOT NULL DEFAULT now(),
    -- A scheduled withdrawal (下线): taken off the catalogue at withdraw_at by the scheduler.
    withdraw_at       timestamptz,
    withdraw_reason   text,
    withdraw_by       text,
    CHECK ((withdraw_at IS NULL) = (withdraw_reason IS NULL))
);
CREATE INDEX registry_items_department_idx ON registry_items (department, code);
CREATE INDEX registry_items_withdraw_due_idx ON registry_items (withdraw_at) WHERE withdraw_at IS NOT NULL;

-- Every version an item has had. A draft's document may change until it is submitted; from then on the row's
-- content (document, content_hash) never changes, only its status moves on.
CREATE TABLE registry_versions (
    code           text NOT NULL REFERENCES registry_items (code),
    version        integer NOT NULL CHECK (version >= 1),
    status         text NOT NULL CHECK (status IN (
        'draft', 'discarded', 'submitted', 'rejected', 'scheduled', 'published', 'superseded', 'withdrawn',
        'cancelled'
    )),
    document       jsonb NOT NULL,
    content_hash   bytea NOT NULL,
    based_on       integer,
    effective_at   timestamptz,
    created_at     timestamptz NOT NULL DEFAULT now(),
    created_by     text NOT NULL,
    updated_at     timestamptz NOT NULL DEFAULT now(),
    submitted_at   timestamptz,
    submitted_by   text,
    decided_at     timestamptz,
    decided_by     text,
    reason         text,
    published_at   timestamptz,
    PRIMARY KEY (code, version),
    FOREIGN KEY (code, based_on) REFERENCES registry_versions (code, version)
);
-- One version in flight per item (a draft, a submission or a scheduled publication), one published at most.
CREATE UNIQUE INDEX registry_versions_pending_idx ON registry_versions (code)
    WHERE status IN ('draft', 'submitted', 'scheduled');
CREATE UNIQUE INDEX registry_versions_published_idx ON registry_versions (code) WHERE status = 'published';
CREATE INDEX registry_versions_queue_idx ON registry_versions (submitted_at) WHERE status = 'submitted';
CREATE INDEX registry_versions_due_idx ON registry_versions (effective_at) WHERE status = 'scheduled';

-- Who did what, when, why, and what changed (field-level changes as JSON pointers with before/after).
CREATE TABLE registry_audit (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code        text NOT NULL REFERENCES registry_items (code),
    version     integer,
    action      text NOT NULL,
    actor       text NOT NULL,
    client_id   text,
    department  text,
    at          timestamptz NOT NULL DEFAULT now(),
    reason      text,
    changes     jsonb NOT NULL DEFAULT '[]'
);
CREATE INDEX registry_audit_code_idx ON registry_audit (code, id);

-- The catalogue's history so far becomes the registry's: each listed catalogue version is a registry version
-- recorded by `import`, the newest one published (or withdrawn when the catalogue withdrew the item).
INSERT INTO registry_items (code, department, created_at)
SELECT code, department, updated_at FROM catalog_items;

WITH listed AS (
    SELECT v.code, v.document, v.content_hash, v.recorded_at,
           row_number() OVER (PARTITION BY v.code ORDER BY v.version) AS number,
           count(*) OVER (PARTITION BY v.code) AS total
    FROM catalog_item_versions AS v
    WHERE v.listing = 'listed'
)
INSERT INTO registry_versions (code, version, status, document, content_hash, based_on, created_at, created_by,
                               updated_at, submitted_at, submitted_by, decided_at, decided_by, published_at)
SELECT l.code, l.number,
       CASE WHEN l.number < l.total THEN 'superseded'
            WHEN c.listing = 'listed' THEN 'published'
            ELSE 'withdrawn' END,
       l.document, l.content_hash, CASE WHEN l.number > 1 THEN l.number - 1 END,
       l.recorded_at, 'import', l.recorded_at, l.recorded_at, 'import', l.recorded_at, 'import', l.recorded_at
FROM listed AS l JOIN catalog_items AS c USING (code)
ORDER BY l.code, l.number;

INSERT INTO registry_audit (code, version, action, actor, at)
SELECT code, version, 'imported', 'import', created_at FROM registry_versions ORDER BY code, version;
