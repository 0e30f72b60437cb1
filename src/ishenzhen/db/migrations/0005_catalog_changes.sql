-- Which catalogue revision last changed each item, so an instance whose snapshot is at revision R reloads only the
-- items changed after R instead of all 7,484 documents (a publication must reach every instance within a second).
--
-- Every writer of the catalogue takes the advisory lock 7484 before its first write and bumps the revision once
-- before committing, so "the revision this transaction will commit" is always current + 1: the triggers stamp it.
ALTER TABLE catalog_items ADD COLUMN changed_revision bigint NOT NULL DEFAULT 0;
CREATE INDEX catalog_items_changed_revision_idx ON catalog_items (changed_revision);

-- The revision at which departments, districts, themes or licence types last changed: a snapshot older than it
-- is rebuilt whole.
ALTER TABLE catalog_revision ADD COLUMN reference_revision bigint NOT NULL DEFAULT 0;

CREATE FUNCTION catalog_stamp_item_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.changed_revision := (SELECT revision + 1 FROM catalog_revision);
    RETURN NEW;
END;
$$;

CREATE TRIGGER catalog_items_stamp_change
    BEFORE INSERT OR UPDATE ON catalog_items
    FOR EACH ROW EXECUTE FUNCTION catalog_stamp_item_change();

-- Row-level AFTER triggers fire only for rows really written (an upsert that changes nothing fires none).
CREATE FUNCTION catalog_stamp_reference_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE catalog_revision SET reference_revision = revision + 1;
    RETURN NULL;
END;
$$;

CREATE TRIGGER catalog_departments_stamp_change AFTER INSERT OR UPDATE OR DELETE ON catalog_departments
    FOR EACH ROW EXECUTE FUNCTION catalog_stamp_reference_change();
CREATE TRIGGER catalog_districts_stamp_change AFTER INSERT OR UPDATE OR DELETE ON catalog_districts
    FOR EACH ROW EXECUTE FUNCTION catalog_stamp_reference_change();
CREATE TRIGGER catalog_themes_stamp_change AFTER INSERT OR UPDATE OR DELETE ON catalog_themes
    FOR EACH ROW EXECUTE FUNCTION catalog_stamp_reference_change();
CREATE TRIGGER catalog_e_licence_types_stamp_change AFTER INSERT OR UPDATE OR DELETE ON catalog_e_licence_types
    FOR EACH ROW EXECUTE FUNCTION catalog_stamp_reference_change();
