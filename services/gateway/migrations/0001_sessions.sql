-- The gateway's browser sessions and its rate-limit counters, shared by every replica.
--
-- A session row is found by the SHA-256 of the cookie's id: the id itself is never stored, so a copy of
-- this table opens no session. Tokens are membership's access and refresh tokens of the signed-in person
-- (null before sign-in); `data` holds small page state (the language chosen, a one-time notice).
CREATE TABLE sessions (
    id_hash          bytea PRIMARY KEY,
    member_id        uuid,
    access_token     text,
    access_expires   timestamptz,
    refresh_token    text,
    roles            jsonb       NOT NULL DEFAULT '{}',
    data             jsonb       NOT NULL DEFAULT '{}',
    created_at       timestamptz NOT NULL DEFAULT now(),
    signed_in_at     timestamptz,
    last_seen_at     timestamptz NOT NULL DEFAULT now(),
    idle_expires_at  timestamptz NOT NULL,
    expires_at       timestamptz NOT NULL
);
CREATE INDEX sessions_member ON sessions (member_id) WHERE member_id IS NOT NULL;
CREATE INDEX sessions_idle ON sessions (idle_expires_at);

-- Fixed-window counters: key (a policy and who: `sign_in:ip:203.0.113.9`, `page:member:<id>`), the window's
-- start, and how many requests it has seen. Old windows are swept.
CREATE TABLE rate_counters (
    key          text        NOT NULL,
    window_start timestamptz NOT NULL,
    hits         integer     NOT NULL,
    PRIMARY KEY (key, window_start)
);
