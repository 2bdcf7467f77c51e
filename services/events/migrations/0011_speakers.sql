-- Who speaks: healthcare professionals (with their profession) and patient speakers, as the hosts give them.
ALTER TABLE conferences ADD COLUMN speakers jsonb NOT NULL DEFAULT '[]';
