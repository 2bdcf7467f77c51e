"""Test infrastructure: a pytest plugin giving each test real PostgreSQL and Kafka of its own."""
