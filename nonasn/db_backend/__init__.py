"""PostgreSQL backend that starts the embedded server on the first connection (no DATABASE_URL)."""
