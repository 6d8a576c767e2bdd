-- The record of every event_id the processor has stored, with the hash of the payload it stored,
-- written in the same statement as the event so the two never disagree.
CREATE TABLE idempotency_keys (
    event_id        uuid PRIMARY KEY REFERENCES events (event_id) ON DELETE CASCADE,
    payload_sha256  char(64) NOT NULL,
    first_seen_at   timestamptz NOT NULL DEFAULT now()
);
