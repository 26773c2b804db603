"""Tables, the engine for SQLite or PostgreSQL, and the Alembic migrations that create them."""
