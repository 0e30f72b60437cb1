-- Results: who revoked an issued result and under which category. The category is public (the verification
-- endpoint shows it); the free-text reason stays with the department and the audit trail.
ALTER TABLE results_issued
    ADD COLUMN revocation_category text
        CHECK (revocation_category IN ('issued_in_error', 'superseded', 'fraud', 'conditions_no_longer_met')),
    ADD COLUMN revoked_by text CHECK (char_length(revoked_by) <= 64);

-- The audit trail of revocation requests: every accepted request, the repeated ones too.
CREATE TABLE results_revocation_audit (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    result_id   uuid NOT NULL REFERENCES results_issued (id),
    department  text NOT NULL CHECK (char_length(department) <= 64),
    client_id   text NOT NULL CHECK (char_length(client_id) <= 64),
    category    text NOT NULL,
    replayed    boolean NOT NULL,
    at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX results_revocation_audit_result ON results_revocation_audit (result_id);
