-- The person's own time zone (membership's profile): an offered place never lapses in their night.
ALTER TABLE people ADD COLUMN time_zone text;
