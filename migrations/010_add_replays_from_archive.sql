-- A replay may read a window from the archive of dropped partitions (npm run replay -- --from-archive)
-- instead of events; its cursor is the same (created_at, event_id).
ALTER TABLE replays ADD COLUMN from_archive boolean NOT NULL DEFAULT false;
