-- Account e-mails (sign-in codes, password-reset links, invitations, a warning about a registration):
-- sent to the address the message carries (`to_address`), whatever the consents, preferences and quiet
-- hours, never after `expires_at`. Once settled, their context (the one-time secret) and address are
-- wiped: the row keeps only its status.
ALTER TABLE deliveries ADD COLUMN to_address text;
ALTER TABLE deliveries ADD COLUMN expires_at timestamptz;
