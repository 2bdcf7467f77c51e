-- What notifications keeps: the directory (grown with consents and time zone), the in-app inbox,
-- e-mail deliveries with their status, and each member's preferences and quiet hours.
--
-- For the HTTP API (helper G), changes from the first draft: inbox_entries gained `context` and
-- `mentions` (an entry naming someone who is erased is re-rendered without the name); the columns the API
-- reads (entry_id … read_at) are unchanged. deliveries.status is one of pending | held | sent | failed |
-- suppressed, as drafted; `status_reason` says why (quiet_hours, no_email_consent, preference_off,
-- no_email_address, member_left, awaiting_contact, the last SMTP error). New: service_secrets (the unsubscribe signing
-- secret) and erased_members.

ALTER TABLE directory ADD COLUMN consents text[] NOT NULL DEFAULT '{}';
-- Whether membership.member.v1 told us about them yet (the contact topic is read independently, so a
-- row may exist with a contact and no consents known): e-mail waits for both.
ALTER TABLE directory ADD COLUMN membership_known boolean NOT NULL DEFAULT false;
-- Every association the member belongs to (admins see delivery status for their association).
ALTER TABLE directory ADD COLUMN associations uuid[] NOT NULL DEFAULT '{}';
UPDATE directory SET associations = ARRAY[association_id], membership_known = time_zone IS NOT NULL;

-- The in-app inbox: one entry per (message, recipient), whatever the number of redeliveries.
CREATE TABLE inbox_entries (
    entry_id    uuid PRIMARY KEY,
    member_id   uuid        NOT NULL,
    event_id    uuid        NOT NULL,   -- the integration message that caused it
    category    text        NOT NULL CHECK (category IN ('account', 'matching', 'conferences')),
    template    text        NOT NULL,
    title       text        NOT NULL,
    body        text        NOT NULL,
    link        text,
    context     jsonb       NOT NULL DEFAULT '{}',  -- what the entry was rendered from
    mentions    uuid[]      NOT NULL DEFAULT '{}',  -- other members it names (re-rendered when one is erased)
    created_at  timestamptz NOT NULL DEFAULT now(),
    read_at     timestamptz,
    UNIQUE (event_id, member_id)
);
CREATE INDEX inbox_entries_member ON inbox_entries (member_id, created_at DESC);
CREATE INDEX inbox_entries_unread ON inbox_entries (member_id) WHERE read_at IS NULL;
CREATE INDEX inbox_entries_mentions ON inbox_entries USING gin (mentions);

-- E-mail deliveries, keyed by (message, recipient, channel): recorded before sending, updated after.
-- `context` is what the template needs, so a retry renders the same e-mail; `message_id` is the
-- stable Message-ID header of this delivery. `context` holds ids, never names: names and addresses are
-- read from the directory when the e-mail is rendered, so an erasure leaves none behind.
CREATE TABLE deliveries (
    delivery_id     uuid PRIMARY KEY,
    event_id        uuid        NOT NULL,
    member_id       uuid        NOT NULL,
    channel         text        NOT NULL CHECK (channel IN ('email')),
    association_id  uuid,
    category        text        NOT NULL CHECK (category IN ('account', 'matching', 'conferences')),
    template        text        NOT NULL,
    context         jsonb       NOT NULL,
    urgent          boolean     NOT NULL DEFAULT false,
    status          text        NOT NULL CHECK (status IN ('pending', 'held', 'sent', 'failed', 'suppressed')),
    status_reason   text,
    attempts        integer     NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    message_id      text        NOT NULL UNIQUE,
    created_at      timestamptz NOT NULL DEFAULT now(),
    sent_at         timestamptz,
    UNIQUE (event_id, member_id, channel)
);
CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE status IN ('pending', 'held');
CREATE INDEX deliveries_association ON deliveries (association_id, created_at DESC);

-- Per category × channel; a missing row means the default (on).
CREATE TABLE preferences (
    member_id uuid    NOT NULL,
    category  text    NOT NULL CHECK (category IN ('account', 'matching', 'conferences')),
    channel   text    NOT NULL CHECK (channel IN ('email', 'inbox')),
    enabled   boolean NOT NULL,
    PRIMARY KEY (member_id, category, channel)
);

-- Quiet hours in the member's own time zone (start > end spans midnight, e.g. 22:00-07:00).
CREATE TABLE quiet_hours (
    member_id  uuid PRIMARY KEY,
    starts_at  time NOT NULL,
    ends_at    time NOT NULL,
    CHECK (starts_at <> ends_at)
);

-- Secrets generated once per database so every replica agrees (the unsubscribe signing secret, unless
-- NOTIFICATIONS_UNSUBSCRIBE_SECRET is set).
CREATE TABLE service_secrets (
    name       text PRIMARY KEY,
    value      text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- Members who were erased (pseudonymous ids only): a message about them that arrives late creates
-- nothing, so their erasure stays complete.
CREATE TABLE erased_members (
    member_id uuid PRIMARY KEY,
    erased_at timestamptz NOT NULL DEFAULT now()
);

-- Wake the e-mail sender when a delivery is due.
CREATE FUNCTION deliveries_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('deliveries', '');
    RETURN NULL;
END $$;
CREATE TRIGGER deliveries_notify AFTER INSERT ON deliveries FOR EACH STATEMENT EXECUTE FUNCTION deliveries_notify();

-- New inbox entries reach open Server-Sent Events streams (payload: the member id).
CREATE FUNCTION inbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('inbox', NEW.member_id::text);
    RETURN NULL;
END $$;
CREATE TRIGGER inbox_notify AFTER INSERT ON inbox_entries FOR EACH ROW EXECUTE FUNCTION inbox_notify();
