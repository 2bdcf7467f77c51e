-- Members as membership stores them for now; the membership issue grows this into accounts,
-- memberships per association, condition profiles and availability.
CREATE TABLE members (
    member_id      uuid PRIMARY KEY,
    association_id uuid        NOT NULL,
    display_name   text        NOT NULL,
    email          text        NOT NULL UNIQUE,
    locale         text        NOT NULL DEFAULT 'en',
    time_zone      text        NOT NULL,
    languages      text[]      NOT NULL DEFAULT '{}',
    conditions     text[]      NOT NULL DEFAULT '{}',
    roles          text[]      NOT NULL DEFAULT '{member}',
    is_caregiver   boolean     NOT NULL DEFAULT false,
    joined_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX members_association ON members (association_id);
