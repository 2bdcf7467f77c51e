-- A row the broker refuses for good (record too large, unknown topic, not authorised) is parked: marked
-- failed with the broker's error, so the rows after it go on. Operators see parked rows with their error.
ALTER TABLE outbox ADD COLUMN failed_at timestamptz;
ALTER TABLE outbox ADD COLUMN error text;

DROP INDEX outbox_pending;
CREATE INDEX outbox_pending ON outbox (id) WHERE published_at IS NULL AND failed_at IS NULL;
CREATE INDEX outbox_failed ON outbox (id) WHERE failed_at IS NOT NULL;
