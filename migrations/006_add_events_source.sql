-- postgres-migrations disable-transaction
-- Sources: every event belongs to the producer whose API key sent it; rows stored before sources
-- belong to 'default'. No transaction (the marker above), so the index can be built CONCURRENTLY:
-- in a transaction the ALTER's ACCESS EXCLUSIVE lock would be held through the whole build and
-- block every read of events. The runner sends each statement of such a file on its own
-- (functions/shared/migrations.ts), and each is safe to run again if a later one failed.
--
-- Do not wait behind a long query for the ALTER's lock: every other query would queue behind it.
SET lock_timeout = '5s';
-- A constant default is only recorded in the catalogue (PostgreSQL 11+): no row is rewritten, and
-- the lock lasts a moment.
ALTER TABLE events ADD COLUMN IF NOT EXISTS source text NOT NULL DEFAULT 'default';
RESET lock_timeout;
-- A build that failed leaves an INVALID index under this name: drop it before building again.
DROP INDEX CONCURRENTLY IF EXISTS events_source_user_id_created_at_event_id_idx;
-- GET /events lists one source's events of one user, newest first. CONCURRENTLY takes only a SHARE
-- UPDATE EXCLUSIVE lock: the processor keeps inserting and the query keeps reading while it builds.
CREATE INDEX CONCURRENTLY events_source_user_id_created_at_event_id_idx ON events (source, user_id, created_at DESC, event_id DESC);
-- A replay may select one source's events; NULL selects every source.
ALTER TABLE replays ADD COLUMN IF NOT EXISTS source text;
