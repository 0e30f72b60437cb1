-- Handling: applications (办件) with their status timeline, the idempotency keys of submissions, uploaded
-- materials, the transactional outbox that carries applications to department systems, the department
-- events that move them on, and the citizen's inbox.
-- The application row, its first timeline row and its outbox record are written in one transaction.

CREATE SEQUENCE handling_application_serial AS bigint MINVALUE 1 MAXVALUE 99999999 CYCLE;

CREATE TABLE handling_applications (
    id                 uuid PRIMARY KEY,
    -- 办件编号: SZ, the submission date (YYYYMMDD, Asia/Shanghai), an 8-digit serial, an ISO 7064 MOD 11-2
    -- check character over the 16 digits (see handling/numbers.py).
    number             char(19) NOT NULL UNIQUE CHECK (number ~ '^SZ[0-9]{16}[0-9X]$'),
    item_code          text NOT NULL,
    item_version       integer NOT NULL CHECK (item_version >= 1),
    department         text NOT NULL,
    applicant_id       uuid NOT NULL REFERENCES identity_accounts (id),
    client_id          text NOT NULL,
    party_kind         text NOT NULL CHECK (party_kind IN ('self', 'enterprise')),
    credit_code        char(18) REFERENCES identity_enterprises (credit_code),
    -- The render spec version and the app's capabilities the form was rendered and validated with.
    spec_version       text NOT NULL CHECK (spec_version ~ '^[0-9]{1,3}\.[0-9]{1,3}$'),
    capabilities       text NOT NULL,
    form               jsonb NOT NULL,
    status             text NOT NULL CHECK (status IN (
        'submitted', 'delivered', 'accepted', 'in_review', 'more_material_needed', 'approved', 'rejected',
        'completed', 'withdrawn', 'delivery_failed'
    )),
    receipt_number     text CHECK (length(receipt_number) <= 64),
    -- The sequence number of the last department event applied (events apply in sequence order).
    event_sequence     integer NOT NULL DEFAULT 0 CHECK (event_sequence >= 0),
    submitted_at       timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    CHECK ((party_kind = 'enterprise') = (credit_code IS NOT NULL))
);
-- Cursor pages of "mine" and "my enterprise's", newest first.
CREATE INDEX handling_applications_applicant_idx ON handling_applications (applicant_id, submitted_at DESC, id DESC)
    WHERE party_kind = 'self';
CREATE INDEX handling_applications_enterprise_idx ON handling_applications (credit_code, submitted_at DESC, id DESC)
    WHERE credit_code IS NOT NULL;

-- Every status transition, in order: one row each.
CREATE TABLE handling_timeline (
    application_id   uuid NOT NULL REFERENCES handling_applications (id) ON DELETE CASCADE,
    position         integer NOT NULL CHECK (position >= 1),
    status           text NOT NULL,
    previous_status  text,
    actor_kind       text NOT NULL CHECK (actor_kind IN ('applicant', 'gateway', 'department', 'operator')),
    actor            text NOT NULL,
    message          text NOT NULL CHECK (length(message) <= 2000),
    occurred_at      timestamptz NOT NULL,
    recorded_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (application_id, position)
);

-- Idempotency-Key of POST /v1/applications, per client and subject. Written in the same transaction as the
-- application it answered, so a key exists exactly when its application does. Kept for 24 hours.
CREATE TABLE handling_idempotency_keys (
    client_id        text NOT NULL,
    subject          uuid NOT NULL,
    key              text NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
    fingerprint      bytea NOT NULL,
    application_id   uuid NOT NULL REFERENCES handling_applications (id) ON DELETE CASCADE,
    response         jsonb NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    expires_at       timestamptz NOT NULL,
    PRIMARY KEY (client_id, subject, key)
);
CREATE INDEX handling_idempotency_keys_expiry_idx ON handling_idempotency_keys (expires_at);

-- Uploaded materials (photos, PDFs). The content lives here by default (storage = 'postgres'); another store
-- keeps only its object key in storage_key. An upload no application references expires at expires_at.
CREATE TABLE handling_materials (
    id              uuid PRIMARY KEY,
    owner_id        uuid NOT NULL REFERENCES identity_accounts (id),
    name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    media_type      text NOT NULL CHECK (media_type IN ('image/jpeg', 'image/png', 'application/pdf')),
    size            integer NOT NULL CHECK (size > 0),
    sha256          bytea NOT NULL CHECK (length(sha256) = 32),
    pages           integer NOT NULL DEFAULT 1 CHECK (pages >= 1),
    storage         text NOT NULL DEFAULT 'postgres',
    storage_key     text,
    content         bytea,
    application_id  uuid REFERENCES handling_applications (id) ON DELETE SET NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    expires_at      timestamptz,
    CHECK ((storage = 'postgres') = (content IS NOT NULL)),
    CHECK (application_id IS NOT NULL OR expires_at IS NOT NULL)
);
CREATE INDEX handling_materials_owner_idx ON handling_materials (owner_id, created_at DESC);
CREATE INDEX handling_materials_application_idx ON handling_materials (application_id) WHERE application_id IS NOT NULL;
CREATE INDEX handling_materials_expiry_idx ON handling_materials (expires_at) WHERE application_id IS NULL;

-- The transactional outbox. A record is due when state = 'pending' and available_at has passed; a worker
-- claims it (FOR UPDATE SKIP LOCKED) by moving available_at to the end of its lease, so a crashed worker's
-- record becomes due again by itself. Records of one application are delivered in id order.
CREATE TABLE handling_outbox (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    application_id   uuid NOT NULL REFERENCES handling_applications (id) ON DELETE CASCADE,
    kind             text NOT NULL CHECK (kind IN ('submission', 'withdrawal', 'supplements')),
    department       text NOT NULL,
    path             text NOT NULL,
    body             bytea NOT NULL,
    state            text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'dead')),
    attempts         integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    available_at     timestamptz NOT NULL DEFAULT now(),
    lease_owner      text,
    last_outcome     text,
    last_status      smallint,
    last_error       text,
    error_source     text CHECK (error_source IN ('gateway', 'link', 'department')),
    created_at       timestamptz NOT NULL DEFAULT now(),
    delivered_at     timestamptz,
    dead_at          timestamptz
);
CREATE INDEX handling_outbox_due_idx ON handling_outbox (available_at, id) WHERE state = 'pending';
CREATE INDEX handling_outbox_application_idx ON handling_outbox (application_id, id) WHERE state = 'pending';
CREATE INDEX handling_outbox_dead_idx ON handling_outbox (dead_at DESC, id DESC) WHERE state = 'dead';

-- Department events (callbacks), idempotent by event id, applied in sequence order per application. An event
-- that arrives ahead of its predecessors waits here (applied_at NULL) until the gap is filled.
CREATE TABLE handling_department_events (
    event_id        uuid PRIMARY KEY,
    application_id  uuid NOT NULL REFERENCES handling_applications (id) ON DELETE CASCADE,
    department      text NOT NULL,
    sequence        integer NOT NULL CHECK (sequence >= 1),
    status          text NOT NULL,
    occurred_at     timestamptz NOT NULL,
    message         text NOT NULL,
    receipt_number  text,
    data            jsonb NOT NULL DEFAULT '{}',
    fingerprint     bytea NOT NULL,
    received_at     timestamptz NOT NULL DEFAULT now(),
    applied_at      timestamptz,
    UNIQUE (application_id, sequence)
);

-- The citizen's inbox: one message per status change per recipient (the applicant, and for an enterprise's
-- application everyone acting for it). The id orders messages and is the live stream's event id.
CREATE TABLE notifications_messages (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id      uuid NOT NULL REFERENCES identity_accounts (id) ON DELETE CASCADE,
    kind            text NOT NULL,
    title           text NOT NULL,
    body            text NOT NULL,
    application_id  uuid,
    status          text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    read_at         timestamptz
);
CREATE INDEX notifications_messages_account_idx ON notifications_messages (account_id, id DESC);
CREATE INDEX notifications_messages_unread_idx ON notifications_messages (account_id, id) WHERE read_at IS NULL;
