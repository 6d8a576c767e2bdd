-- What an event's metadata adds to a query answer, counted by the processor when it stores the event:
-- the UTF-8 bytes of its JSON written as a JSON string (escaped once more, as in a Lambda proxy
-- result's body). A listing cuts its page from these sizes and then reads only the metadata it serves.
-- NULL for events stored before this migration; the listing then bounds the size from the jsonb.
-- Nullable and without a default, so adding it rewrites no row and holds its lock only for a moment.
ALTER TABLE events ADD COLUMN metadata_escaped_bytes integer CHECK (metadata_escaped_bytes >= 0);
