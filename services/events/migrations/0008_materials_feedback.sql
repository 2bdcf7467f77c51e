-- After the event: the recording and slides the hosts publish (to everyone who had a place, whether they came
-- or not), and each person's short feedback (one per place; gone with the registration when they are erased).
ALTER TABLE conferences ADD COLUMN recording_url text;
ALTER TABLE conferences ADD COLUMN slides_url text;
CREATE TABLE feedback (
    registration_id uuid PRIMARY KEY REFERENCES registrations ON DELETE CASCADE,
    conference_id   uuid        NOT NULL REFERENCES conferences ON DELETE CASCADE,
    association_id  uuid        NOT NULL,  -- the registrant's association: each host sees its own figures
    rating          smallint    NOT NULL CHECK (rating BETWEEN 1 AND 5),
    comment         text        NOT NULL DEFAULT '' CHECK (length(comment) <= 2000),
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX feedback_by_conference ON feedback (conference_id, association_id);
