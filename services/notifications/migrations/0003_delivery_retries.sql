-- An admin may send failed e-mails of their association again: the retry period then counts from that
-- moment (`retrying_since`), and who did it is kept in `admin_actions` (never what the e-mails said).
ALTER TABLE deliveries ADD COLUMN retrying_since timestamptz;

CREATE TABLE admin_actions (
    id             bigserial PRIMARY KEY,
    actor_id       uuid        NOT NULL,
    association_id uuid        NOT NULL,
    action         text        NOT NULL,
    detail         jsonb       NOT NULL DEFAULT '{}'::jsonb,
    at             timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX admin_actions_association ON admin_actions (association_id, at DESC);
