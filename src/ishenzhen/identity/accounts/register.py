"""The outside authorities real-name verification asks: the population register and a face-check provider.

Both are protocols so the shared register (a later issue) and a real face-check vendor replace the stand-ins
without touching the service. The stand-ins: a seeded table of people, and a simulated face check.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import asyncpg

from ishenzhen.identity.accounts._sql import queries

__all__ = [
    "FaceCheck",
    "PersonRecord",
    "PopulationRegister",
    "SeededPopulationRegister",
    "SimulatedFaceCheck",
]


@dataclass(frozen=True, slots=True)
class PersonRecord:
    resident_id: str
    name: str


class PopulationRegister(Protocol):
    async def lookup(self, resident_id: str) -> PersonRecord | None:
        """The registered person with this (already check-character validated) ID number, if any."""
        ...


class FaceCheck(Protocol):
    async def matches(self, resident_id: str, liveness_token: str) -> bool:
        """Whether the live face captured by the app (identified by ``liveness_token``) is this person."""
        ...


class SeededPopulationRegister:
    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool

    async def lookup(self, resident_id: str) -> PersonRecord | None:
        async with self.pool.acquire() as connection:
            row = await queries.register_person(connection, resident_id=resident_id)
        return None if row is None else PersonRecord(resident_id=row["resident_id"].strip(), name=row["name"])


class SimulatedFaceCheck:
    """Passes when the app's liveness token is ``live:<last four characters of the ID number>``."""

    async def matches(self, resident_id: str, liveness_token: str) -> bool:
        return liveness_token == f"live:{resident_id[-4:]}"
