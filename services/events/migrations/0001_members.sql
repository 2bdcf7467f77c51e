-- Events' view of who belongs to which association (for registration rules), from membership.member.v1.
CREATE TABLE members (
    member_id      uuid PRIMARY KEY,
    association_id uuid        NOT NULL,
    active         boolean     NOT NULL DEFAULT true,
    updated_at     timestamptz NOT NULL DEFAULT now()
);
