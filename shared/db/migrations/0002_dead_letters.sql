-- Every dead letter of this service's consumer groups, kept durably beside the DLQ topic (an embedded
-- broker forgets its topics on restart) so operators can list, read and replay them (`fellowship-dlq`).
CREATE TABLE dead_letters (
    id             bigserial PRIMARY KEY,
    consumer_group text        NOT NULL,
    topic          text        NOT NULL,
    partition      integer     NOT NULL,
    "offset"       bigint      NOT NULL,
    message_key    bytea,
    value          bytea,
    headers        jsonb       NOT NULL DEFAULT '{}'::jsonb,
    error          text        NOT NULL,
    attempts       integer     NOT NULL,
    dead_at        timestamptz NOT NULL DEFAULT now(),
    replayed_at    timestamptz,
    UNIQUE (consumer_group, topic, partition, "offset")  -- a redelivered dead letter is kept once
);
CREATE INDEX dead_letters_waiting ON dead_letters (dead_at) WHERE replayed_at IS NULL;
