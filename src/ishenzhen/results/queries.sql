-- name: insert_result(id, application_id, item_code, document, issued_at)!
INSERT INTO results_issued (id, application_id, item_code, document, issued_at)
VALUES (:id, :application_id, :item_code, :document, :issued_at);

-- name: result_by_id(id)^
SELECT id, application_id, item_code, document, issued_at, revoked_at, revocation_reason
FROM results_issued WHERE id = :id;

-- name: result_of_application(application_id)^
SELECT id FROM results_issued WHERE application_id = :application_id;

-- name: revoke_result(id, reason)^
-- The first revocation stands; revoking again changes nothing and answers the row as it is.
UPDATE results_issued
SET revoked_at = COALESCE(revoked_at, now()), revocation_reason = COALESCE(revocation_reason, :reason)
WHERE id = :id
RETURNING id, revoked_at;
