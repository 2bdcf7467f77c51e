-- Patient stories. A story is written under a pen name, for readers of the author's association, of the
-- federation or the public, with the author's consent to publish (its version and moment kept with it).
-- A moderator reads it before anyone else: `pending` → published | changes_requested | declined; an edit
-- sends it back to `pending`. The author withdraws it at any time: the row and everything of it go.
-- `search` is the story's words for PostgreSQL's full-text search in the story's language.
CREATE TABLE stories (
    story_id        uuid PRIMARY KEY,
    author_id       uuid        NOT NULL,
    association_id  uuid        NOT NULL,  -- the author's association: its moderators publish it
    pen_name        text        NOT NULL CHECK (length(pen_name) BETWEEN 2 AND 60),
    title           text        NOT NULL CHECK (length(title) BETWEEN 3 AND 150),
    body            text        NOT NULL CHECK (length(body) <= 12000),
    language        text        NOT NULL CHECK (language IN ('en', 'fr')),
    topics          text[]      NOT NULL DEFAULT '{}',
    conditions      text[]      NOT NULL DEFAULT '{}',  -- ICD-10 codes the story is about
    visibility      text        NOT NULL CHECK (visibility IN ('association', 'federation', 'public')),
    status          text        NOT NULL DEFAULT 'pending'
                    CHECK (status IN ('pending', 'changes_requested', 'published', 'declined')),
    consent_version text        NOT NULL,
    consented_at    timestamptz NOT NULL,
    moderator_note  text        NOT NULL DEFAULT '' CHECK (length(moderator_note) <= 1000),
    moderated_by    uuid,
    published_at    timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    search          tsvector GENERATED ALWAYS AS (
        to_tsvector(CASE language WHEN 'fr' THEN 'french'::regconfig ELSE 'english'::regconfig END,
                    title || ' ' || body)
    ) STORED,
    CHECK ((status = 'published') = (published_at IS NOT NULL))
);
CREATE INDEX stories_published ON stories (published_at DESC) WHERE status = 'published';
CREATE INDEX stories_queue ON stories (association_id, updated_at) WHERE status = 'pending';
CREATE INDEX stories_by_author ON stories (author_id);
CREATE INDEX stories_search ON stories USING gin (search);
CREATE INDEX stories_conditions ON stories USING gin (conditions);

-- "This helped me": one per reader and story, counted; no comments.
CREATE TABLE story_helped (
    story_id  uuid NOT NULL REFERENCES stories ON DELETE CASCADE,
    member_id uuid NOT NULL,
    PRIMARY KEY (story_id, member_id)
);
CREATE INDEX story_helped_by_member ON story_helped (member_id);
