-- Matching's read model of people and mentors (fed by membership.member.v1), and its workflow:
-- requests → proposals → mentorships → feedback. Identifiers are pseudonymous; conditions are codes.

CREATE TABLE people (
    member_id    uuid PRIMARY KEY,
    languages    text[]      NOT NULL DEFAULT '{}',
    time_zone    text        NOT NULL DEFAULT 'UTC',
    is_caregiver boolean     NOT NULL DEFAULT false,
    birth_year   integer,
    gender       text,
    conditions   jsonb       NOT NULL DEFAULT '{}'::jsonb,  -- {"G43.1": 2015, …}: code → year of diagnosis
    availability jsonb       NOT NULL DEFAULT '[]'::jsonb,  -- [{"weekday": 0, "start": "18:00", "end": "20:00"}]
    consents     text[]      NOT NULL DEFAULT '{}',
    updated_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE member_associations (
    member_id                   uuid    NOT NULL REFERENCES people ON DELETE CASCADE,
    association_id              uuid    NOT NULL,
    roles                       text[]  NOT NULL DEFAULT '{member}',
    federation_matching_allowed boolean NOT NULL DEFAULT false,
    active                      boolean NOT NULL DEFAULT true,
    PRIMARY KEY (member_id, association_id)
);

-- A mentor per association. `load` counts proposals waiting for an answer and active mentorships;
-- it only ever grows through `UPDATE … SET load = load + 1 WHERE load < capacity`, so two matcher
-- processes can never over-assign a mentor.
CREATE TABLE mentors (
    member_id      uuid     NOT NULL REFERENCES people ON DELETE CASCADE,
    association_id uuid     NOT NULL,
    conditions     text[]   NOT NULL,
    diagnosed_in   jsonb    NOT NULL DEFAULT '{}'::jsonb,  -- {"G43.1": 2015}: year of diagnosis per mentored code
    capacity       smallint NOT NULL CHECK (capacity BETWEEN 1 AND 5),
    modalities     text[]   NOT NULL,
    paused         boolean  NOT NULL DEFAULT false,
    load           smallint NOT NULL DEFAULT 0 CHECK (load >= 0),
    PRIMARY KEY (member_id, association_id)
);

CREATE TABLE requests (
    request_id     uuid PRIMARY KEY,
    mentee_id      uuid        NOT NULL,
    association_id uuid        NOT NULL,
    preferences    jsonb       NOT NULL DEFAULT '{}'::jsonb,
    status         text        NOT NULL CHECK (status IN ('open', 'proposed', 'matched', 'cancelled')),
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    unmatched_reason     text,       -- why no proposal could be made, while open
    estimated_wait_days  integer,
    closed_reason  text
);
-- One live request per mentee and association.
CREATE UNIQUE INDEX requests_live ON requests (mentee_id, association_id) WHERE status IN ('open', 'proposed');
CREATE INDEX requests_open ON requests (association_id) WHERE status = 'open';

CREATE TABLE proposals (
    match_id       uuid PRIMARY KEY,
    request_id     uuid        NOT NULL REFERENCES requests,
    mentee_id      uuid        NOT NULL,
    mentor_id      uuid        NOT NULL,
    mentor_association_id uuid NOT NULL,
    association_id uuid        NOT NULL,  -- the mentee's
    score          integer     NOT NULL,  -- in 1/1000 points (the domain's SCALE); the breakdown is in points
    breakdown      jsonb       NOT NULL,
    first_slot     jsonb,
    status         text        NOT NULL CHECK (status IN ('proposed', 'accepted', 'declined', 'expired', 'withdrawn')),
    created_at     timestamptz NOT NULL DEFAULT now(),
    expires_at     timestamptz NOT NULL,
    decided_at     timestamptz,
    decided_by     uuid,
    reason         text
);
CREATE INDEX proposals_waiting ON proposals (expires_at) WHERE status = 'proposed';
-- At most one proposal waiting for an answer per request (the solver also guards with the request's status).
CREATE UNIQUE INDEX proposals_live ON proposals (request_id) WHERE status = 'proposed';
CREATE INDEX proposals_request ON proposals (request_id);
CREATE INDEX proposals_mentor ON proposals (mentor_id);
CREATE INDEX proposals_mentee ON proposals (mentee_id);

-- Pairs never proposed again (declined, expired, blocked).
CREATE TABLE excluded_pairs (
    mentee_id  uuid        NOT NULL,
    mentor_id  uuid        NOT NULL,
    reason     text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (mentee_id, mentor_id)
);

CREATE TABLE mentorships (
    match_id       uuid PRIMARY KEY REFERENCES proposals,
    mentee_id      uuid        NOT NULL,
    mentor_id      uuid        NOT NULL,
    association_id uuid        NOT NULL,
    status         text        NOT NULL CHECK (status IN ('active', 'ended')),
    started_at     timestamptz NOT NULL DEFAULT now(),
    ended_at       timestamptz,
    outcome        text CHECK (outcome IN ('completed', 'ended_early')),
    end_reason     text
);
CREATE INDEX mentorships_mentor ON mentorships (mentor_id) WHERE status = 'active';

CREATE TABLE feedback (
    match_id    uuid        NOT NULL REFERENCES mentorships,
    from_member uuid        NOT NULL,
    rating      smallint    NOT NULL CHECK (rating BETWEEN 1 AND 5),
    comment     text        NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (match_id, from_member)
);

-- Score weights an association's admin chose (defaults when absent).
CREATE TABLE association_weights (
    association_id uuid PRIMARY KEY,
    weights        jsonb       NOT NULL,
    updated_at     timestamptz NOT NULL DEFAULT now()
);

-- Wake the matcher (in whichever process runs it) when something changed that may allow a new proposal.
-- Row triggers with conditions, so that the matcher's own writes (a request proposed, a place reserved,
-- an unmatched reason recorded) do not wake it again; NOTIFYs are folded into one per transaction.
CREATE FUNCTION matching_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('matching_changed', '');
    RETURN NULL;
END $$;
CREATE TRIGGER request_opened AFTER INSERT ON requests FOR EACH ROW
    WHEN (NEW.status = 'open') EXECUTE FUNCTION matching_changed();
CREATE TRIGGER request_reopened AFTER UPDATE ON requests FOR EACH ROW
    WHEN (NEW.status = 'open' AND (OLD.status <> 'open' OR OLD.preferences IS DISTINCT FROM NEW.preferences))
    EXECUTE FUNCTION matching_changed();
CREATE TRIGGER mentor_added AFTER INSERT ON mentors FOR EACH ROW EXECUTE FUNCTION matching_changed();
CREATE TRIGGER mentor_freed AFTER UPDATE ON mentors FOR EACH ROW
    WHEN (NEW.load < OLD.load OR NEW.capacity <> OLD.capacity OR NEW.paused <> OLD.paused
          OR NEW.conditions IS DISTINCT FROM OLD.conditions OR NEW.modalities IS DISTINCT FROM OLD.modalities)
    EXECUTE FUNCTION matching_changed();
CREATE TRIGGER person_changed AFTER UPDATE ON people FOR EACH ROW EXECUTE FUNCTION matching_changed();
CREATE TRIGGER membership_changed AFTER INSERT OR UPDATE ON member_associations FOR EACH ROW
    EXECUTE FUNCTION matching_changed();
CREATE TRIGGER weights_changed AFTER INSERT OR UPDATE ON association_weights FOR EACH ROW
    EXECUTE FUNCTION matching_changed();

-- Carry over the backbone's read model.
INSERT INTO people (member_id, languages, time_zone, is_caregiver, conditions)
    SELECT member_id, languages, time_zone, is_caregiver,
           COALESCE((SELECT jsonb_object_agg(c, NULL) FROM unnest(conditions) c), '{}'::jsonb)
    FROM member_profiles;
INSERT INTO member_associations (member_id, association_id, roles, active)
    SELECT member_id, association_id, roles, active FROM member_profiles;
DROP TABLE member_profiles;
