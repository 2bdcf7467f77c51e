-- After the event: who took a place offered from the waiting list (`promoted`), and who used the join link
-- (`attended_at`, the first time). The hosts' figures count them.
ALTER TABLE registrations ADD COLUMN promoted boolean NOT NULL DEFAULT false;
ALTER TABLE registrations ADD COLUMN attended_at timestamptz;
CREATE INDEX registrations_by_conference ON registrations (conference_id, association_id);
