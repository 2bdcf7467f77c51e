-- Upcoming events for some conditions (from events.conference.v1), so that a request no mentor can take yet
-- is not a dead end: its mentee is pointed to events for their conditions. Only what the suggestion needs.
CREATE TABLE upcoming_events (
    conference_id uuid PRIMARY KEY,
    hosts         uuid[]      NOT NULL,  -- the host association and its co-hosts
    kind          text        NOT NULL,
    title         text        NOT NULL,
    starts_at     timestamptz NOT NULL,
    conditions    text[]      NOT NULL   -- ICD-10 codes the event is for (nobody's diagnosis)
);
CREATE INDEX upcoming_events_by_start ON upcoming_events (starts_at);
