"""The accounts service: the only code, with ``throttle`` and the register stand-in, that runs the accounts'
queries. Every function takes a connection (the caller owns the transaction) and raises domain errors.

``people`` (accounts, assurance levels, the caller's profile), ``enterprises`` (legal representatives and
agents), ``login`` (password and SMS code) and the audit trail; callers import this package, not its modules.
"""

from __future__ import annotations

from ishenzhen.identity.accounts.service._shared import audit
from ishenzhen.identity.accounts.service.enterprises import (
    MAX_AGENT_GRANT,
    ROLES,
    AgentGrant,
    add_enterprise,
    agents_of,
    grant_agent,
    grant_enterprise_role,
    parties_of,
    party_of,
    represented_enterprise,
    revoke_agent,
)
from ishenzhen.identity.accounts.service.login import (
    SMS_CODE_MAX_ATTEMPTS,
    SMS_CODE_SECONDS,
    LoginFailed,
    authenticate_password,
    authenticate_sms,
    send_sms_code,
    sms_outbox,
)
from ishenzhen.identity.accounts.service.people import (
    FACE_CHECK_LIMITS,
    REAL_NAME_LIMITS,
    CallerProfile,
    SubjectGone,
    account_by_mobile,
    account_of,
    caller_profile,
    count_demo_accounts,
    lock_demo_seed,
    mask_resident_id,
    normalize_mobile,
    profile_by_id,
    register_citizen,
    set_password_hash,
    set_real_name,
    verify_caller_face,
    verify_caller_real_name,
    verify_face,
    verify_real_name,
)

__all__ = [
    "FACE_CHECK_LIMITS", "MAX_AGENT_GRANT", "REAL_NAME_LIMITS", "ROLES", "SMS_CODE_MAX_ATTEMPTS", "SMS_CODE_SECONDS",
    "AgentGrant", "CallerProfile", "LoginFailed", "SubjectGone", "account_by_mobile", "account_of", "add_enterprise",
    "agents_of", "audit", "authenticate_password", "authenticate_sms", "caller_profile", "count_demo_accounts",
    "grant_agent", "grant_enterprise_role", "lock_demo_seed", "mask_resident_id", "normalize_mobile", "parties_of",
    "party_of", "profile_by_id", "register_citizen", "represented_enterprise", "revoke_agent", "send_sms_code",
    "set_password_hash", "set_real_name", "sms_outbox", "verify_caller_face", "verify_caller_real_name",
    "verify_face", "verify_real_name",
]  # fmt: skip
