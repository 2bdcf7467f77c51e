-- The person's own quiet hours (notifications' preference, told on notifications.preference.v1), local times
-- in their time zone: a place offered to them is never due inside them. Without any, a default night applies.
ALTER TABLE people ADD COLUMN quiet_starts time;
ALTER TABLE people ADD COLUMN quiet_ends time;
ALTER TABLE people ADD CHECK ((quiet_starts IS NULL) = (quiet_ends IS NULL));
