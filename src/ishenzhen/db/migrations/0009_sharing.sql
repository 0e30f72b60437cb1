-- The data-access log: every pull of a person's or enterprise's data from the data-sharing platform, with the
-- fields named (never their values), the source, the purpose and its basis, and the outcome.
--
-- Tamper evidence: entries form one hash chain per subject (seq 1, 2, …; each entry_hash covers the previous
-- entry's hash), and signed checkpoints periodically commit to every chain's head, so editing, reordering or
-- deleting an entry, or cutting a chain short, breaks verification (`ishenzhen audit verify`). Per subject rather
-- than global: appends for different people never wait for one another, and a citizen's own history verifies
-- on its own; the checkpoints give the global view that per-subject chains alone would lack.
CREATE TABLE sharing_access_log (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    subject         text NOT NULL CHECK (char_length(subject) BETWEEN 1 AND 32),
    subject_kind    text NOT NULL CHECK (subject_kind IN ('person', 'enterprise')),
    seq             bigint NOT NULL CHECK (seq >= 1),
    at              timestamptz NOT NULL,
    requester       text NOT NULL CHECK (char_length(requester) BETWEEN 1 AND 100),
    source          text NOT NULL CHECK (source IN ('population', 'legal_person', 'e_licence', 'credit')),
    fields          text[] NOT NULL CHECK (cardinality(fields) <= 64),
    purpose         text NOT NULL CHECK (char_length(purpose) BETWEEN 1 AND 40),
    application_id  uuid,
    citizen_action  text CHECK (char_length(citizen_action) BETWEEN 1 AND 40),
    item_code       text CHECK (char_length(item_code) <= 64),
    outcome         text NOT NULL CHECK (outcome IN ('ok', 'not_found', 'unavailable', 'inconsistent', 'refused')),
    prev_hash       bytea NOT NULL CHECK (octet_length(prev_hash) = 32),
    entry_hash      bytea NOT NULL CHECK (octet_length(entry_hash) = 32),
    CHECK ((application_id IS NULL) <> (citizen_action IS NULL)),
    UNIQUE (subject, seq)
);
CREATE INDEX sharing_access_log_subject_at_idx ON sharing_access_log (subject, at DESC, id DESC);

-- Append only: the application's role may insert, never change or remove (an operator who disables this
-- trigger is still caught by the chain).
CREATE FUNCTION sharing_access_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'sharing_access_log is append-only' USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER sharing_access_log_append_only BEFORE UPDATE OR DELETE ON sharing_access_log
    FOR EACH ROW EXECUTE FUNCTION sharing_access_log_append_only();

-- Signed checkpoints: a compact JWS (EdDSA) over the digest of every chain's head as of entry `last_id`, and the
-- previous checkpoint's digest, so checkpoints chain too.
CREATE TABLE sharing_checkpoints (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at             timestamptz NOT NULL DEFAULT now(),
    last_id        bigint NOT NULL,
    subjects       bigint NOT NULL,
    heads_digest   bytea NOT NULL CHECK (octet_length(heads_digest) = 32),
    prev_digest    bytea NOT NULL CHECK (octet_length(prev_digest) = 32),
    key_id         text NOT NULL,
    jws            text NOT NULL
);
CREATE TRIGGER sharing_checkpoints_append_only BEFORE UPDATE OR DELETE ON sharing_checkpoints
    FOR EACH ROW EXECUTE FUNCTION sharing_access_log_append_only();
