-- The inbox in the reader's language: a message may carry English texts beside the Chinese ones. Null where
-- its writer has none (a department's own words are in Chinese): an English reader then gets the Chinese.
ALTER TABLE notifications_messages
    ADD COLUMN title_en text,
    ADD COLUMN body_en text;

-- The decider finds the messages it just wrote by application (notifications.add_english): without this index
-- that would scan every citizen's inbox once per decision.
CREATE INDEX notifications_messages_application_idx ON notifications_messages (application_id, status)
    WHERE application_id IS NOT NULL;
