-- A person's calendar feed: a calendar app subscribes to a secret address; only the SHA-256 of its token is
-- kept, so a copy of this table opens no feed. A new address replaces the old one; revoking deletes it.
CREATE TABLE calendar_feeds (
    member_id  uuid PRIMARY KEY,
    token_hash bytea       NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now()
);
