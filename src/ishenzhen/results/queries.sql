-- name: insert_result(id, application_id, item_code, document, issued_at)!
INSERT INTO results_issued (id, application_id, item_code, document, issued_at)
VALUES (:id, :application_id, :item_code, :document, :issued_at);

-- name: result_by_id(id)^
SELECT id, application_id, item_code, document, issued_at, revoked_at, revocation_reason, revocation_category
FROM results_issued WHERE id = :id;

-- name: result_of_application(application_id)^
SELECT id FROM results_issued WHERE application_id = :application_id;

-- name: revoke_result(id, department, reason, category, revoked_by)^
-- Only a result of an application the department handles; the first revocation stands, revoking again changes
-- nothing and answers the row as it is (``replayed``).
WITH target AS (
    SELECT r.id, r.revoked_at IS NOT NULL AS replayed
    FROM results_issued r JOIN handling_applications a ON a.id = r.application_id
    WHERE r.id = :id AND a.department = :department
    FOR UPDATE OF r
)
UPDATE results_issued r
SET revoked_at = COALESCE(r.revoked_at, now()), revocation_reason = COALESCE(r.revocation_reason, :reason),
    revocation_category = COALESCE(r.revocation_category, :category), revoked_by = COALESCE(r.revoked_by, :revoked_by)
FROM target WHERE r.id = target.id
RETURNING r.id, target.replayed, r.revocation_category;

-- name: audit_revocation(result_id, department, client_id, category, replayed)!
INSERT INTO results_revocation_audit (result_id, department, client_id, category, replayed)
VALUES (:result_id, :department, :client_id, :category, :replayed);

-- name: results_of_holder(applicant_id)
-- The caller's own results, newest first: what their wallet lists beside the register's e-licences.
SELECT r.id, r.application_id, r.item_code, r.issued_at, r.revoked_at, r.revocation_category
FROM results_issued r JOIN handling_applications a ON a.id = r.application_id
WHERE a.applicant_id = :applicant_id
ORDER BY r.issued_at DESC
LIMIT 200;
