-- Replays select a created_at window in the store's order (created_at, event_id), from oldest; this
-- index serves the window and the keyset cursor of every page without a sort. A window for one user
-- is served by events_user_id_created_at_event_id_idx, read backwards.
CREATE INDEX events_created_at_event_id_idx ON events (created_at, event_id);

-- The outbox sweep reads only events SNS never confirmed: a partial index stays as small as that
-- backlog (usually empty), however large the table grows.
CREATE INDEX events_unpublished_created_at_event_id_idx ON events (created_at, event_id) WHERE published_at IS NULL;

-- One row per replay: what it selects, where it delivers, and the last confirmed event. Kept in the
-- database so a replay can be resumed from any machine with nothing but its id.
CREATE TABLE replays (
    replay_id         uuid PRIMARY KEY,
    from_at           timestamptz,
    to_at             timestamptz NOT NULL,
    user_id           text,
    unpublished_only  boolean NOT NULL,
    -- NULL: the events topic.
    target_queue_url  text,
    selected          bigint NOT NULL,
    -- Over a million selected, the planner's estimate: an exact count would outlast the invocation.
    selected_estimated boolean NOT NULL DEFAULT false,
    sent              bigint NOT NULL DEFAULT 0,
    failed            bigint NOT NULL DEFAULT 0,
    -- The last event delivered with every event before it, in (created_at, event_id) order.
    after_created_at  timestamptz,
    after_event_id    uuid,
    finished_at       timestamptz,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    CHECK ((after_created_at IS NULL) = (after_event_id IS NULL)),
    CHECK (from_at IS NULL OR from_at < to_at)
);
