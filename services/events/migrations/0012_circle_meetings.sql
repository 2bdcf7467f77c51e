-- Circles meet weekly: `meetings` is how many times (a conference meets once). Each meeting is a row, written
-- by the service from its domain's schedule (the same local time every week in the host's zone), so that
-- reminders and "what is coming" are queries. A person with a place may skip a meeting; their reminders
-- (`reminded`) are for the meeting `reminded_meeting`, and start afresh for the next one.
ALTER TABLE conferences ADD COLUMN meetings smallint NOT NULL DEFAULT 1 CHECK (meetings BETWEEN 1 AND 52);
ALTER TABLE conferences ADD CHECK (kind = 'circle' OR meetings = 1);

CREATE TABLE meetings (
    conference_id uuid        NOT NULL REFERENCES conferences ON DELETE CASCADE,
    number        smallint    NOT NULL CHECK (number >= 0),  -- 0 is the first
    starts_at     timestamptz NOT NULL,
    ends_at       timestamptz NOT NULL,
    PRIMARY KEY (conference_id, number),
    CHECK (ends_at > starts_at)
);
CREATE INDEX meetings_by_start ON meetings (starts_at);
INSERT INTO meetings (conference_id, number, starts_at, ends_at)
    SELECT conference_id, 0, starts_at, ends_at FROM conferences;

CREATE TABLE skipped_meetings (
    registration_id uuid     NOT NULL REFERENCES registrations ON DELETE CASCADE,
    number          smallint NOT NULL,
    PRIMARY KEY (registration_id, number)
);

ALTER TABLE registrations ADD COLUMN reminded_meeting smallint NOT NULL DEFAULT 0;
