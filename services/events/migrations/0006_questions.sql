-- Q&A: questions people with a place (or in line) ask before or during an event, moderated by the hosts'
-- admins before anyone else reads them. `status`: `pending` (waiting for a moderator), `held` (personal
-- details found: kept from everyone but the asker and moderators until edited or approved), `approved`
-- (shown to the attendees, who upvote it), `answered` (part of the event's FAQ), `rejected` (with a reason
-- the asker reads), `merged` (a duplicate: its votes went to `merged_into`), `referred` (it asked for
-- personal medical advice: the asker reads the association's referral text, nobody else reads it).
CREATE TABLE questions (
    question_id    uuid PRIMARY KEY,
    conference_id  uuid        NOT NULL REFERENCES conferences ON DELETE CASCADE,
    member_id      uuid        NOT NULL,
    association_id uuid        NOT NULL,  -- the asker's host association: its referral text answers them
    text           text        NOT NULL CHECK (length(text) BETWEEN 3 AND 1000),
    shown_name     text,                  -- the asker's display name for other attendees; NULL: anonymous
    status         text        NOT NULL DEFAULT 'pending'
                   CHECK (status IN ('pending', 'held', 'approved', 'answered', 'rejected', 'merged', 'referred')),
    findings       jsonb       NOT NULL DEFAULT '[]',  -- personal details found: [{kind, start, end}]
    advice_asked   boolean     NOT NULL DEFAULT false, -- reads like a request for personal medical advice
    answer         text,
    reason         text,                  -- why it was rejected, for the asker
    merged_into    uuid REFERENCES questions ON DELETE SET NULL,
    votes          integer     NOT NULL DEFAULT 0,
    decided_by     uuid,
    decided_at     timestamptz,
    created_at     timestamptz NOT NULL DEFAULT now(),
    CHECK ((status = 'answered') = (answer IS NOT NULL))
);
CREATE INDEX questions_by_conference ON questions (conference_id, status);
CREATE INDEX questions_by_member ON questions (member_id);

CREATE TABLE question_votes (
    question_id uuid NOT NULL REFERENCES questions ON DELETE CASCADE,
    member_id   uuid NOT NULL,
    PRIMARY KEY (question_id, member_id)
);
CREATE INDEX question_votes_by_member ON question_votes (member_id);

-- What an association answers a request for personal medical advice with, per language.
CREATE TABLE referral_texts (
    association_id uuid NOT NULL,
    locale         text NOT NULL CHECK (locale ~ '^[a-z]{2,3}$'),
    text           text NOT NULL CHECK (length(text) BETWEEN 10 AND 2000),
    updated_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (association_id, locale)
);
