-- Instant approval (秒批) on the submission path.
--
-- A submission of an item with a rule set writes one pending row here in the transaction that stores the
-- application, so the 202 is a commit and the decision is owed from that moment on. The gateway decides after
-- the commit (at once, in the process that took the request); a row whose decider died is claimed again when
-- its lease (available_at) ends, by any gateway process, so a crash delays a decision and never loses it.
CREATE TABLE handling_instant_decisions (
    application_id    uuid PRIMARY KEY REFERENCES handling_applications (id) ON DELETE CASCADE,
    rule_set_version  integer NOT NULL CHECK (rule_set_version >= 1),
    state             text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'decided')),
    attempts          integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    available_at      timestamptz NOT NULL DEFAULT now(),
    lease_owner       text CHECK (char_length(lease_owner) <= 200),
    outcome           text CHECK (outcome IN ('approved', 'rejected', 'manual_review')),
    decision          jsonb,
    created_at        timestamptz NOT NULL DEFAULT now(),
    decided_at        timestamptz,
    CHECK ((state = 'decided') = (outcome IS NOT NULL AND decision IS NOT NULL AND decided_at IS NOT NULL))
);
CREATE INDEX handling_instant_decisions_due_idx ON handling_instant_decisions (available_at)
    WHERE state = 'pending';

-- The department hears of an automatic decision through the outbox, like any other fact of the application.
ALTER TABLE handling_outbox DROP CONSTRAINT handling_outbox_kind_check;
ALTER TABLE handling_outbox ADD CONSTRAINT handling_outbox_kind_check
    CHECK (kind IN ('submission', 'withdrawal', 'supplements', 'decision'));

-- Results the gateway issues (an approval document): the compact JWS handed to the holder, signed with the
-- identity provider's published keys, and whether it still stands. The public verification endpoint reads this.
CREATE TABLE results_issued (
    id                 uuid PRIMARY KEY,
    application_id     uuid NOT NULL UNIQUE REFERENCES handling_applications (id) ON DELETE CASCADE,
    item_code          text NOT NULL CHECK (char_length(item_code) <= 64),
    document           text NOT NULL CHECK (char_length(document) <= 16384),
    issued_at          timestamptz NOT NULL,
    revoked_at         timestamptz,
    revocation_reason  text CHECK (char_length(revocation_reason) BETWEEN 1 AND 500),
    CHECK ((revoked_at IS NULL) = (revocation_reason IS NULL))
);
