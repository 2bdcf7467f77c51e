"""Events: online educational conferences with registration, capacity, waitlist, reminders and Q&A."""
