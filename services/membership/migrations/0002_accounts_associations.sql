-- Membership's real model: accounts (people), associations, memberships with per-association roles,
-- condition profiles, availability, mentor profiles, a consent ledger, refresh tokens, login
-- throttling and an append-only audit trail of health-data access.
-- The provisional `members` table of the backbone is carried over and dropped.

CREATE TABLE associations (
    association_id     uuid PRIMARY KEY,
    name               text        NOT NULL,
    slug               text        NOT NULL UNIQUE,
    default_locale     text        NOT NULL DEFAULT 'en',
    time_zone          text        NOT NULL DEFAULT 'UTC',
    languages          text[]      NOT NULL DEFAULT '{}',
    requires_approval  boolean     NOT NULL DEFAULT false,
    federation_matching boolean    NOT NULL DEFAULT false,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now()
);

-- One row per person. member_id is the pseudonymous id other services know; e-mail is unique in the
-- federation (compared lower-cased). password_hash is NULL for imported people who have not set one.
CREATE TABLE accounts (
    member_id        uuid PRIMARY KEY,
    email            text        NOT NULL,
    password_hash    text,
    display_name     text        NOT NULL,
    locale           text        NOT NULL DEFAULT 'en',
    time_zone        text        NOT NULL DEFAULT 'UTC',
    languages        text[]      NOT NULL DEFAULT '{}',
    birth_year       integer,
    gender           text,
    is_caregiver     boolean     NOT NULL DEFAULT false,
    health_notes     text,
    federation_roles text[]      NOT NULL DEFAULT '{}',
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX accounts_email ON accounts (lower(email));

-- A person in an association. joined_at is set when the membership first becomes active (the moment
-- other services hear of it); the status shown to users also depends on expires_on, computed on read.
CREATE TABLE memberships (
    member_id      uuid        NOT NULL REFERENCES accounts ON DELETE CASCADE,
    association_id uuid        NOT NULL REFERENCES associations,
    roles          text[]      NOT NULL DEFAULT '{member}',
    status         text        NOT NULL CHECK (status IN ('pending', 'active', 'left')),
    requested_at   timestamptz NOT NULL DEFAULT now(),
    joined_at      timestamptz,
    left_at        timestamptz,
    renewed_on     date,
    expires_on     date,
    PRIMARY KEY (member_id, association_id)
);
CREATE INDEX memberships_association ON memberships (association_id, status);

CREATE TABLE member_conditions (
    member_id      uuid    NOT NULL REFERENCES accounts ON DELETE CASCADE,
    code           text    NOT NULL,
    diagnosed_year integer NOT NULL,
    PRIMARY KEY (member_id, code)
);

-- Weekly windows in the member's own time zone; minutes since local midnight, end exclusive.
CREATE TABLE availability_windows (
    member_id    uuid     NOT NULL REFERENCES accounts ON DELETE CASCADE,
    weekday      smallint NOT NULL CHECK (weekday BETWEEN 0 AND 6),
    start_minute smallint NOT NULL CHECK (start_minute BETWEEN 0 AND 1439),
    end_minute   smallint NOT NULL CHECK (end_minute BETWEEN 1 AND 1440),
    CHECK (start_minute < end_minute),
    PRIMARY KEY (member_id, weekday, start_minute)
);

CREATE TABLE mentor_profiles (
    member_id      uuid        NOT NULL REFERENCES accounts ON DELETE CASCADE,
    association_id uuid        NOT NULL REFERENCES associations,
    status         text        NOT NULL CHECK (status IN ('applied', 'approved', 'rejected')),
    paused         boolean     NOT NULL DEFAULT false,
    capacity       smallint    NOT NULL CHECK (capacity BETWEEN 1 AND 5),
    modalities     text[]      NOT NULL,
    conditions     text[]      NOT NULL,
    bio            text        NOT NULL DEFAULT '',
    applied_at     timestamptz NOT NULL DEFAULT now(),
    decided_at     timestamptz,
    decided_by     uuid,
    decision_note  text,
    PRIMARY KEY (member_id, association_id)
);
CREATE INDEX mentor_profiles_association ON mentor_profiles (association_id, status);

-- Append-only consent ledger: the current state of a consent is its latest row.
CREATE TABLE consents (
    id          bigserial PRIMARY KEY,
    member_id   uuid        NOT NULL REFERENCES accounts ON DELETE CASCADE,
    kind        text        NOT NULL,
    granted     boolean     NOT NULL,
    version     text        NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX consents_member ON consents (member_id, kind, id DESC);

-- Refresh tokens are stored hashed; logging out or rotating revokes them.
CREATE TABLE refresh_tokens (
    token_hash  bytea PRIMARY KEY,
    member_id   uuid        NOT NULL REFERENCES accounts ON DELETE CASCADE,
    issued_at   timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    revoked_at  timestamptz
);
CREATE INDEX refresh_tokens_member ON refresh_tokens (member_id);

-- Failed logins, per account and per client address, for throttling; old rows are pruned on write.
CREATE TABLE login_failures (
    id        bigserial PRIMARY KEY,
    key       text        NOT NULL,
    failed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_failures_key ON login_failures (key, failed_at);

-- Token signing keys, when none is given by file: generated once, shared by every replica.
CREATE TABLE signing_keys (
    kid         text PRIMARY KEY,
    private_pem text        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- People erased: nothing personal, only that the id is gone for good.
CREATE TABLE erasures (
    member_id uuid PRIMARY KEY,
    erased_at timestamptz NOT NULL DEFAULT now(),
    erased_by uuid
);

-- Who read or changed whose health data, when, through which association. Never the values.
CREATE TABLE audit_log (
    id             bigserial PRIMARY KEY,
    at             timestamptz NOT NULL DEFAULT now(),
    actor_id       uuid        NOT NULL,
    subject_id     uuid        NOT NULL,
    association_id uuid,
    action         text        NOT NULL CHECK (action IN ('read', 'change', 'erase', 'export')),
    resource       text        NOT NULL
);
CREATE INDEX audit_log_association ON audit_log (association_id, id DESC);
CREATE INDEX audit_log_subject ON audit_log (subject_id, id DESC);

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END $$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

-- Carry over the backbone's provisional members.
INSERT INTO associations (association_id, name, slug)
    SELECT DISTINCT association_id, 'Association ' || left(association_id::text, 8), association_id::text
    FROM members;
INSERT INTO accounts (member_id, email, display_name, locale, time_zone, languages, is_caregiver, created_at)
    SELECT member_id, email, display_name, locale, time_zone, languages, is_caregiver, joined_at FROM members;
INSERT INTO memberships (member_id, association_id, roles, status, requested_at, joined_at)
    SELECT member_id, association_id, roles, 'active', joined_at, joined_at FROM members;
INSERT INTO member_conditions (member_id, code, diagnosed_year)
    SELECT member_id, unnest(conditions), extract(year FROM joined_at)::integer FROM members;
DROP TABLE members;
