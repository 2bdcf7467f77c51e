"""Notifications: e-mail and an in-app inbox, with preferences and no duplicates."""
