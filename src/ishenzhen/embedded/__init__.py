"""Embedded servers the service starts for itself when none is configured."""

from ishenzhen.embedded.postgres import EmbeddedPostgres, EmbeddedPostgresError, pg_bin_dir

__all__ = ["EmbeddedPostgres", "EmbeddedPostgresError", "pg_bin_dir"]
