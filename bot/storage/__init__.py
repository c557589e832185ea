"""Durable storage on SQLAlchemy 2: SQLite file by default, PostgreSQL at scale."""
