-- The audit log and custody history are evidence: the database itself refuses to edit or delete them.
CREATE FUNCTION refuse_history_rewrite() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;--> statement-breakpoint
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION refuse_history_rewrite();--> statement-breakpoint
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_history_rewrite();--> statement-breakpoint
CREATE TRIGGER custody_events_append_only BEFORE UPDATE OR DELETE ON custody_events
  FOR EACH ROW EXECUTE FUNCTION refuse_history_rewrite();--> statement-breakpoint
CREATE TRIGGER custody_events_no_truncate BEFORE TRUNCATE ON custody_events
  FOR EACH STATEMENT EXECUTE FUNCTION refuse_history_rewrite();--> statement-breakpoint
INSERT INTO catalog_state (id, version) VALUES (1, 1);--> statement-breakpoint
-- Bumped inside the writing transaction, so a reader sees the new version only together with the change.
CREATE FUNCTION bump_catalog_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE catalog_state SET version = version + 1 WHERE id = 1;
  RETURN NULL;
END;
$$;--> statement-breakpoint
CREATE TRIGGER storage_profiles_catalog AFTER INSERT OR UPDATE OR DELETE ON storage_profiles
  FOR EACH STATEMENT EXECUTE FUNCTION bump_catalog_version();--> statement-breakpoint
CREATE TRIGGER containers_catalog_insert_delete AFTER INSERT OR DELETE ON containers
  FOR EACH STATEMENT EXECUTE FUNCTION bump_catalog_version();--> statement-breakpoint
CREATE TRIGGER containers_catalog_binding AFTER UPDATE OF storage_profile_id, parent_id, code ON containers
  FOR EACH STATEMENT EXECUTE FUNCTION bump_catalog_version();--> statement-breakpoint
CREATE TRIGGER samples_catalog_insert_delete AFTER INSERT OR DELETE ON samples
  FOR EACH STATEMENT EXECUTE FUNCTION bump_catalog_version();--> statement-breakpoint
CREATE TRIGGER samples_catalog_binding AFTER UPDATE OF container_id, storage_profile_id, code ON samples
  FOR EACH STATEMENT EXECUTE FUNCTION bump_catalog_version();
