"""The schema as ``pg_dump --schema-only`` prints it, normalised so that two dumps of one schema are equal."""

from __future__ import annotations

import re
import subprocess
from urllib.parse import urlsplit

from ishenzhen.embedded import pg_bin_dir

__all__ = ["dump_schema"]

# pg_dump 18 brackets its output with \restrict and \unrestrict lines carrying a random key.
_VOLATILE_LINE = re.compile(r"^(\\restrict|\\unrestrict|-- Dumped (from|by) )")


def dump_schema(url: str) -> str:
    parts = urlsplit(url)
    command = [
        str(pg_bin_dir() / "pg_dump"),
        "--schema-only",
        "--no-owner",
        "--no-privileges",
        "--no-comments",
        "--host",
        parts.hostname or "127.0.0.1",
        "--port",
        str(parts.port or 5432),
        "--username",
        parts.username or "postgres",
        parts.path.lstrip("/") or "postgres",
    ]
    env = {"PGPASSWORD": parts.password} if parts.password else {}
    result = subprocess.run(  # noqa: S603 - our own pg_dump binary
        command, capture_output=True, text=True, check=True, env={**_base_env(), **env}
    )
    lines = [line for line in result.stdout.splitlines() if not _VOLATILE_LINE.match(line)]
    text = "\n".join(lines).strip() + "\n"
    return re.sub(r"\n{3,}", "\n\n", text)


def _base_env() -> dict[str, str]:
    import os

    return {key: value for key, value in os.environ.items() if not key.startswith("PG")}
