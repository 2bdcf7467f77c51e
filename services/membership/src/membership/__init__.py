"""Membership: the source of truth about people, associations, roles, conditions, availability and consent."""
