-- Events' view of members has matching's shape: a person (with their ICD-10 condition codes, for topic-based
-- conference suggestions) and one row per association they belong to. The first shape kept one association
-- per member, so a person in two associations lost one.
DROP TABLE members;

CREATE TABLE people (
    member_id  uuid PRIMARY KEY,
    conditions text[]      NOT NULL DEFAULT '{}',  -- ICD-10 codes only: no years, no free text
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE memberships (
    member_id      uuid        NOT NULL REFERENCES people ON DELETE CASCADE,
    association_id uuid        NOT NULL,
    roles          text[]      NOT NULL DEFAULT '{member}',
    active         boolean     NOT NULL DEFAULT true,
    updated_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (member_id, association_id)
);
CREATE INDEX memberships_by_association ON memberships (association_id) WHERE active;
