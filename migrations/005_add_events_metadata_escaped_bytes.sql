-- What an event's metadata adds to a query answer, counted by the processor when it stores the event:
-- the UTF-8 bytes of its JSON written as a JSON string (escaped once more, as in a Lambda proxy
-- result's body). A listing cuts its page from these sizes and then reads only the metadata it serves.
-- NULL for events stored before this migration; the listing then bounds the size from the jsonb.
-- Nullable and without a default, so adding it rewrites no row. A CHECK added with the column would
-- make PostgreSQL scan the whole table under ACCESS EXCLUSIVE to validate it (every value is NULL);
-- added NOT VALID it holds for every row written from now on and the lock lasts only a moment.
ALTER TABLE events ADD COLUMN metadata_escaped_bytes integer;
ALTER TABLE events ADD CONSTRAINT events_metadata_escaped_bytes_not_negative CHECK (metadata_escaped_bytes >= 0) NOT VALID;
