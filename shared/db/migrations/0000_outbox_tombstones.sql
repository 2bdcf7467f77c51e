-- A tombstone (a record with a key and no value) erases a key from a compacted topic.
ALTER TABLE outbox ALTER COLUMN envelope DROP NOT NULL;
