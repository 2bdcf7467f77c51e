-- A story whose words suggest a risk of suicide or self-harm (community.domain.safeguarding) is flagged when
-- written or rewritten: first in its moderators' queue, and its author is shown where to find help at once.
ALTER TABLE stories ADD COLUMN at_risk boolean NOT NULL DEFAULT false;
DROP INDEX stories_queue;
CREATE INDEX stories_queue ON stories (association_id, at_risk DESC, updated_at) WHERE status = 'pending';
