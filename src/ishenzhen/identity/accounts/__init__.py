"""People: citizens' accounts and their assurance levels (L1 phone, L2 real name, L3 face check),
enterprises and the agents (经办人) who act for them, password and SMS login, rate limits and the audit trail.

``service`` holds the logic and is, with ``throttle`` and the ``register`` stand-in, the only code running
the subpackage's queries (``queries.sql``, loaded once in ``_sql``); its HTTP side is ``identity.controllers``.
"""

from __future__ import annotations

from ishenzhen.identity.accounts.models import Account, Party
from ishenzhen.identity.accounts.register import (
    FaceCheck,
    PersonRecord,
    PopulationRegister,
    SeededPopulationRegister,
    SimulatedFaceCheck,
)
from ishenzhen.identity.accounts.service import LoginFailed, SubjectGone, mask_resident_id
from ishenzhen.identity.accounts.throttle import Throttled

__all__ = [
    "Account",
    "FaceCheck",
    "LoginFailed",
    "Party",
    "PersonRecord",
    "PopulationRegister",
    "SeededPopulationRegister",
    "SimulatedFaceCheck",
    "SubjectGone",
    "Throttled",
    "mask_resident_id",
]
