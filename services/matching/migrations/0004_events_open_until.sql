-- A circle takes people until its last meeting starts (events says when, in `open_until`): it is suggested
-- until then, not only before its first meeting. NULL for events announced before events said so: their start.
ALTER TABLE upcoming_events ADD COLUMN open_until timestamptz;
