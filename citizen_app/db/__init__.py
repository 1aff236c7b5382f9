"""Persistence: SQLAlchemy 2 declarative models, engine and unit-of-work helpers."""
