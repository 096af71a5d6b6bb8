"""SQLAlchemy mapping, repositories, unit of work and Alembic migrations."""
