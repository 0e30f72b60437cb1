"""Database access: the pool lifespan, named queries and migrations."""

from ishenzhen.db.migrate import apply_migrations
from ishenzhen.db.pool import DatabaseUnavailable, connect, create_pool
from ishenzhen.db.sql import load_queries

__all__ = ["DatabaseUnavailable", "apply_migrations", "connect", "create_pool", "load_queries"]
