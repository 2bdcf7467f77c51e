-- Every service refuses access tokens issued before a person's sessions were revoked (logout) or the person
-- was erased: membership records it when it happens, the others when they read member.sessions_revoked or
-- member.erased (`shared.db.revocations`).
CREATE TABLE revoked_sessions (
    member_id  uuid PRIMARY KEY,
    revoked_at timestamptz NOT NULL
);
