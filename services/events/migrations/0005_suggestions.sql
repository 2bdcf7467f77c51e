-- Whether the person consented to the use of their health data: only then are their condition codes used to
-- tell them of events for those conditions (and kept at all: a withdrawal empties them).
ALTER TABLE people ADD COLUMN health_data boolean NOT NULL DEFAULT false;
UPDATE people SET health_data = conditions <> '{}';  -- membership records conditions only with that consent
