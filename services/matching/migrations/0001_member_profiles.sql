-- Matching's read model of members, fed by membership.member.v1 (pseudonymous: ids and codes only).
CREATE TABLE member_profiles (
    member_id      uuid PRIMARY KEY,
    association_id uuid        NOT NULL,
    roles          text[]      NOT NULL,
    languages      text[]      NOT NULL,
    time_zone      text        NOT NULL,
    conditions     text[]      NOT NULL,
    is_caregiver   boolean     NOT NULL,
    active         boolean     NOT NULL DEFAULT true,
    updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX member_profiles_association ON member_profiles (association_id) WHERE active;
