-- The inbox in the reader's language: a message may carry English texts beside the Chinese ones. Null where
-- its writer has none (a department's own words are in Chinese): an English reader then gets the Chinese.
ALTER TABLE notifications_messages
    ADD COLUMN title_en text,
    ADD COLUMN body_en text;
