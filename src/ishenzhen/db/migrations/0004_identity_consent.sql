-- Identity: consents to third-party clients, one row per (account, client, scope set). A later request is
-- covered by any consent of the same account and client whose scope set contains the requested scopes.
CREATE TABLE identity_consents (
    account_id  uuid NOT NULL REFERENCES identity_accounts (id) ON DELETE CASCADE,
    client_id   text NOT NULL REFERENCES identity_clients (client_id) ON DELETE CASCADE,
    -- Sorted and de-duplicated, so one scope set has one row.
    scopes      text[] NOT NULL,
    granted_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (account_id, client_id, scopes)
);
