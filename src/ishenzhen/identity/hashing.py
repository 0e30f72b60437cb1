"""Hashes of secrets: argon2id for passwords (memory-hard, slow on purpose), SHA-256 for random tokens.

Codes, refresh tokens, session ids and client secrets are 256-bit random values: a fast hash is enough to
keep them useless to someone who reads the database, and lets us look them up by hash.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

__all__ = ["hash_password", "hash_token", "new_token", "token_matches", "verify_password"]

# OWASP's argon2id baseline (m=19 MiB, t=2, p=1): about 20 ms here, off the event loop.
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


@functools.cache
def _absent() -> str:
    """Verified when the account does not exist, so timing does not tell whether it does (made on first use)."""
    return _hasher.hash(secrets.token_urlsafe(16))


def new_token(nbytes: int = 32) -> str:
    return secrets.token_urlsafe(nbytes)


def hash_token(token: str) -> bytes:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).digest()


def token_matches(token: str, expected_hash: bytes | None) -> bool:
    return expected_hash is not None and hmac.compare_digest(hash_token(token), bytes(expected_hash))


def hash_password_sync(password: str) -> str:
    return _hasher.hash(password)


async def hash_password(password: str) -> str:
    return await asyncio.to_thread(_hasher.hash, password)


def _verify(password_hash: str | None, password: str) -> bool:
    try:
        _hasher.verify(password_hash or _absent(), password)  # raises unless the password matches
    except (VerificationError, InvalidHashError):
        return False
    return password_hash is not None


async def verify_password(password_hash: str | None, password: str) -> bool:
    """False for a wrong password and for a missing account alike, in the same time."""
    return await asyncio.to_thread(_verify, password_hash, password)
