-- Which reminders were staged for a registration ('day_before', 'hour_before'): each is sent once.
ALTER TABLE registrations ADD COLUMN reminded text[] NOT NULL DEFAULT '{}';
CREATE INDEX registrations_to_remind ON registrations (conference_id) WHERE status = 'registered';
