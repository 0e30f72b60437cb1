"""The service-item registry: departments register item versions, reviewers approve them, and publishing
writes the public catalogue; withdrawal, schedules, rollback, field-level diffs and the audit trail."""
