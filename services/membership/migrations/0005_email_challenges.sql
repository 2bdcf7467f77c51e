-- One-time secrets sent by e-mail: sign-in codes, password-reset links and invitations. Only a SHA-256
-- digest is kept (of "<member_id>:<code>" for codes, of the token for links); a challenge is used once,
-- expires, and a newer one of the same purpose replaces the older. Sign-in codes count wrong tries.
CREATE TABLE email_challenges (
    challenge_id   uuid PRIMARY KEY,
    member_id      uuid        NOT NULL REFERENCES accounts ON DELETE CASCADE,
    purpose        text        NOT NULL CHECK (purpose IN ('sign_in', 'password_reset', 'invitation')),
    association_id uuid REFERENCES associations ON DELETE CASCADE,  -- the inviting association
    secret_hash    bytea       NOT NULL UNIQUE,
    attempts       integer     NOT NULL DEFAULT 0,
    created_at     timestamptz NOT NULL DEFAULT now(),
    expires_at     timestamptz NOT NULL,
    used_at        timestamptz,
    CHECK ((purpose = 'invitation') = (association_id IS NOT NULL))
);
CREATE INDEX email_challenges_member ON email_challenges (member_id, purpose);
