-- A fourth category, `community`: what happens to a member's stories (and, later, their discussions and
-- conversations), which they may turn off per channel like the others.
ALTER TABLE inbox_entries DROP CONSTRAINT inbox_entries_category_check,
    ADD CONSTRAINT inbox_entries_category_check CHECK (category IN ('account', 'matching', 'conferences', 'community'));
ALTER TABLE deliveries DROP CONSTRAINT deliveries_category_check,
    ADD CONSTRAINT deliveries_category_check CHECK (category IN ('account', 'matching', 'conferences', 'community'));
ALTER TABLE preferences DROP CONSTRAINT preferences_category_check,
    ADD CONSTRAINT preferences_category_check CHECK (category IN ('account', 'matching', 'conferences', 'community'));
