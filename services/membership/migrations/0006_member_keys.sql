-- One data key per person (a Fernet key): the personal and health fields of their messages travel sealed
-- under it (see shared/protection.py). It goes with the account: erasure makes every copy of those fields,
-- on every topic, unreadable.
CREATE TABLE member_keys (
    member_id  uuid PRIMARY KEY REFERENCES accounts ON DELETE CASCADE,
    data_key   bytea       NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
