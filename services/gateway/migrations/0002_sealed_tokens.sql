-- Tokens are now stored encrypted with a key derived from the session's id (see adapters/sessions.py).
-- Sessions signed in before this change held them in clear: they end here, and those people sign in again.
DELETE FROM sessions WHERE access_token IS NOT NULL OR refresh_token IS NOT NULL;
COMMENT ON COLUMN sessions.access_token IS 'Fernet token under HKDF(session id); the id is never stored';
COMMENT ON COLUMN sessions.refresh_token IS 'Fernet token under HKDF(session id); the id is never stored';
