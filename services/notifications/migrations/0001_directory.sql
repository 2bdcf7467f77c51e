-- Notifications' directory of members: contact details from membership.contact.v1 (personal data,
-- this service only) and membership facts from membership.member.v1.
CREATE TABLE directory (
    member_id      uuid PRIMARY KEY,
    association_id uuid        NOT NULL,
    display_name   text,
    email          text,
    locale         text        NOT NULL DEFAULT 'en',
    time_zone      text,
    active         boolean     NOT NULL DEFAULT true,
    updated_at     timestamptz NOT NULL DEFAULT now()
);
