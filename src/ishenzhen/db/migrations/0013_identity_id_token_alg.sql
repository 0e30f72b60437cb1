-- Identity: the algorithm each client's ID tokens are signed with (OpenID Connect Dynamic Client Registration
-- `id_token_signed_response_alg`). ES256 stays the default; RS256 is there because OpenID Connect Core §15.1
-- makes it mandatory to implement and some relying parties verify nothing else.
ALTER TABLE identity_clients
    ADD COLUMN id_token_signed_response_alg text NOT NULL DEFAULT 'ES256'
        CHECK (id_token_signed_response_alg IN ('ES256', 'RS256'));
