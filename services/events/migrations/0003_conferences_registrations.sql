-- Conferences (online teaching by healthcare professionals) and peer support circles, and the places in them.
-- `held` counts the places of registered and offered registrations; it is only changed under the event row's
-- lock (SELECT ... FOR UPDATE), in the transaction that changes the registrations, so it never passes
-- `capacity` and never drifts from the rows (a check below and a test keep it so).
CREATE TABLE conferences (
    conference_id  uuid PRIMARY KEY,
    association_id uuid        NOT NULL,  -- the host; co-hosts in conference_hosts
    kind           text        NOT NULL CHECK (kind IN ('conference', 'circle')),
    status         text        NOT NULL DEFAULT 'draft'
                   CHECK (status IN ('draft', 'published', 'cancelled', 'held', 'materials_published')),
    title          text        NOT NULL,
    description    text        NOT NULL DEFAULT '',
    languages      text[]      NOT NULL,
    audience       text[]      NOT NULL,
    conditions     text[]      NOT NULL DEFAULT '{}',  -- ICD-10 codes the event is for
    accessibility  text[]      NOT NULL DEFAULT '{}',  -- captions, sign_language, slides_in_advance
    starts_at      timestamptz NOT NULL,
    ends_at        timestamptz NOT NULL,
    time_zone      text        NOT NULL,               -- IANA: the zone the host announces times in
    capacity       integer     NOT NULL CHECK (capacity > 0),
    held           integer     NOT NULL DEFAULT 0,
    join_url       text,                               -- revealed to registered people shortly before the start
    sequence       integer     NOT NULL DEFAULT 0,     -- RFC 5545 SEQUENCE: bumped on every reschedule
    created_by     uuid        NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    CHECK (held BETWEEN 0 AND capacity),
    CHECK (ends_at > starts_at)
);
CREATE INDEX conferences_upcoming ON conferences (starts_at) WHERE status = 'published';
CREATE INDEX conferences_by_association ON conferences (association_id, starts_at);

CREATE TABLE conference_hosts (
    conference_id  uuid NOT NULL REFERENCES conferences ON DELETE CASCADE,
    association_id uuid NOT NULL,
    PRIMARY KEY (conference_id, association_id)
);

-- One line per person per event: `line` orders the waitlist (first come, first offered).
CREATE SEQUENCE registration_line;
CREATE TABLE registrations (
    registration_id  uuid PRIMARY KEY,
    conference_id    uuid        NOT NULL REFERENCES conferences ON DELETE CASCADE,
    member_id        uuid        NOT NULL,
    association_id   uuid        NOT NULL,  -- the registrant's association: each host sees its own registrants
    status           text        NOT NULL
                     CHECK (status IN ('registered', 'waitlisted', 'offered', 'cancelled', 'expired')),
    places           smallint    NOT NULL CHECK (places IN (1, 2)),  -- 2: with a companion (caregiver)
    needs            text[]      NOT NULL DEFAULT '{}',  -- accessibility needs, from a fixed list: no free text
    line             bigint      NOT NULL DEFAULT nextval('registration_line'),
    offer_expires_at timestamptz,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CHECK ((status = 'offered') = (offer_expires_at IS NOT NULL))
);
CREATE UNIQUE INDEX registrations_one_live_per_person ON registrations (conference_id, member_id)
    WHERE status IN ('registered', 'waitlisted', 'offered');
CREATE INDEX registrations_line ON registrations (conference_id, line) WHERE status = 'waitlisted';
CREATE INDEX registrations_offers_due ON registrations (offer_expires_at) WHERE status = 'offered';
CREATE INDEX registrations_by_member ON registrations (member_id);
