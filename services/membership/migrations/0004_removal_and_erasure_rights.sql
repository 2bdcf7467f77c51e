-- An association admin removes a person from their association (they keep their account); erasing a
-- person is their own act, or a federation data-protection officer's, with a reason kept in the audit.
ALTER TABLE audit_log DROP CONSTRAINT audit_log_action_check;
ALTER TABLE audit_log ADD CONSTRAINT audit_log_action_check
    CHECK (action IN ('read', 'change', 'erase', 'export', 'remove'));
ALTER TABLE audit_log ADD COLUMN reason text;
