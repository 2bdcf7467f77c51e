-- A person may ask for a mentor when joining; matching opens a request when the membership is announced.
ALTER TABLE memberships ADD COLUMN wants_mentor boolean NOT NULL DEFAULT false;
