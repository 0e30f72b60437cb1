"""The data-sharing platform client, the purpose-bound pulls and the tamper-evident data-access log."""

from ishenzhen.sharing.access_log import (
    AccessBasis,
    AuditKey,
    Pull,
    Verification,
    record_pulls,
    verify_log,
    write_checkpoint,
)
from ishenzhen.sharing.client import Fetched, PlatformClient
from ishenzhen.sharing.service import audit_key, data_access, fetch_facts, platform_client

__all__ = [
    "AccessBasis",
    "AuditKey",
    "Fetched",
    "PlatformClient",
    "Pull",
    "Verification",
    "audit_key",
    "data_access",
    "fetch_facts",
    "platform_client",
    "record_pulls",
    "verify_log",
    "write_checkpoint",
]
