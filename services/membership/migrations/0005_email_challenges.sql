-- One-time secrets sent by e-mail. Only SHA-256 digests are kept (of "<member_id>:<code>" for codes, of the
-- token for links); a challenge is used once, expires, and a newer one of the same purpose replaces the
-- older. Sign-in codes count wrong tries.
CREATE TABLE email_challenges (
    challenge_id uuid PRIMARY KEY,
    member_id    uuid        NOT NULL REFERENCES accounts ON DELETE CASCADE,
    purpose      text        NOT NULL CHECK (purpose IN ('sign_in', 'password_reset')),
    secret_hash  bytea       NOT NULL UNIQUE,
    attempts     integer     NOT NULL DEFAULT 0,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    used_at      timestamptz
);
CREATE INDEX email_challenges_member ON email_challenges (member_id, purpose);

-- Invitations by an association admin (CSV import). Nothing links the address to the association, and no
-- account is made, until the address's owner accepts with the e-mailed link. `member_id` is the existing
-- account's, or the id a new account gets on accepting; `profile` (from the file) is used only for a new
-- account. Accepted and expired invitations are deleted.
CREATE TABLE invitations (
    invitation_id  uuid PRIMARY KEY,
    association_id uuid        NOT NULL REFERENCES associations ON DELETE CASCADE,
    member_id      uuid        NOT NULL,
    email          text        NOT NULL,
    profile        jsonb       NOT NULL,
    roles          text[]      NOT NULL,
    token_hash     bytea       NOT NULL UNIQUE,
    invited_by     uuid        NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    expires_at     timestamptz NOT NULL
);
CREATE UNIQUE INDEX invitations_address ON invitations (association_id, lower(email));
CREATE INDEX invitations_member ON invitations (member_id);
