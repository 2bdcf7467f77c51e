"""Matching: pairs new members with experienced peer mentors by condition and availability."""
