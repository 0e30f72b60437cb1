"""Development demo data and the production refusals.

Development (the default ``serve``): a signing key is generated into the database at first start, and the
demo accounts listed in the README are created. Production refuses to start with demo data, with a
development key, without a signing key, or with an issuer that is not https.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import structlog

from ishenzhen.db.types import Connection
from ishenzhen.identity.accounts import service as accounts
from ishenzhen.identity.accounts.register import SimulatedFaceCheck
from ishenzhen.identity.hashing import hash_password, hash_token
from ishenzhen.identity.oauth import service as oauth
from ishenzhen.identity.oauth.keys import create_signing_keys, key_encryption_key, missing_signing_algorithms
from ishenzhen.settings import Settings

__all__ = [
    "DEMO_PASSWORD",
    "DEPARTMENT_SYSTEM_SCOPES",
    "ProductionRefused",
    "prepare_identity",
    "refuse_unsafe_production",
    "seed_department_clients",
]

log = structlog.get_logger(__name__)

DEMO_PASSWORD = "ishenzhen-demo"  # noqa: S105 - development only: production refuses to start while demo accounts exist
DEMO_DEPARTMENT_SECRET = "dev-only-department-secret"  # noqa: S105 - demo client, refused in production
DEMO_CITIZENS = {
    "13800000001": None,
    "13800000002": ("张伟", "440303198503120017"),
    "13800000003": ("李娜", "440305199207060029"),
}
DEMO_ENTERPRISE = ("91440300MA5FDEMQ01", "深圳市示例科技有限公司")
APP_CLIENT_ID = "ishenzhen-app"
APP_REDIRECT_URIS = [
    "cn.gov.shenzhen.app:/oauth/callback",
    "http://127.0.0.1/callback",
    "http://[::1]/callback",
]
DEPARTMENT_CLIENT_ID = "dept-market-regulation"
# What a department's own (simulated) system may do: move its applications on, publish its items.
DEPARTMENT_SYSTEM_SCOPES = ["applications:update", "registry:write"]
# The registry's reviewers (市政务服务数据管理局); the bureau also registers its own items.
REVIEWER_CLIENT_ID = "dept-government-services-data"
REVIEWER_SECRET = "dev-only-reviewer-secret"  # noqa: S105 - demo client, refused in production
# A third-party web service (not first party): citizens are asked to consent before it gets a code.
THIRD_PARTY_CLIENT_ID = "demo-metro-pass"
THIRD_PARTY_SECRET = "dev-only-third-party-secret"  # noqa: S105 - demo client, refused in production
THIRD_PARTY_REDIRECT_URIS = ["https://metro.example/oauth/callback", "http://127.0.0.1/metro/callback"]
# What a department's own system may do: move its applications on, publish its items.
DEPARTMENT_SYSTEM_SCOPES = ["applications:update", "registry:write"]
_password_hash: dict[str, str] = {}


class ProductionRefused(RuntimeError):
    """Production start-up found something only development may have."""


async def prepare_identity(connection: Connection, settings: Settings) -> None:
    if settings.is_production:
        await refuse_unsafe_production(connection, settings)
        return
    async with connection.transaction():
        await accounts.lock_demo_seed(connection)
        # A database from before RS256 keys has an ES256 key only: the missing kind is added beside it.
        missing = await missing_signing_algorithms(connection)
        if missing:
            await create_signing_keys(
                connection,
                development=True,
                publish_for=dt.timedelta(0),
                old_keys_for=dt.timedelta(seconds=settings.identity.access_token_seconds),
                kek=key_encryption_key(settings),
                algorithms=missing,
            )
        if await accounts.account_by_mobile(connection, "13800000001") is None:
            await _seed_demo(connection)
        await _seed_clients(connection)  # each insert is skipped when the client exists


async def refuse_unsafe_production(connection: Connection, settings: Settings) -> None:
    if not settings.effective_issuer.startswith("https://"):
        raise ProductionRefused("ISHENZHEN_IDENTITY_ISSUER must be an https:// URL in production")
    if await accounts.count_demo_accounts(connection) + await oauth.count_demo_clients(connection):
        raise ProductionRefused(
            "the database holds development demo accounts or clients; production refuses them"
        )
    if await oauth.count_development_keys(connection):
        raise ProductionRefused(
            "a development signing key is still published; run `ishenzhen identity rotate-keys`"
        )
    if await oauth.count_signing_keys(connection) == 0:
        raise ProductionRefused("no signing key: run `ishenzhen identity rotate-keys` once before serving")
    missing = await missing_signing_algorithms(connection)
    if missing:
        raise ProductionRefused(
            f"no {' or '.join(missing)} signing key (ID tokens may need either): run `ishenzhen identity "
            "rotate-keys`, which creates a key of each kind"
        )


async def _seed_demo(connection: Connection) -> None:
    if DEMO_PASSWORD not in _password_hash:
        _password_hash[DEMO_PASSWORD] = await hash_password(DEMO_PASSWORD)
    people = {}
    for mobile, person in DEMO_CITIZENS.items():
        account_id = await accounts.register_citizen(connection, mobile, None, demo=True)
        await accounts.set_password_hash(connection, account_id, _password_hash[DEMO_PASSWORD])
        people[mobile] = account_id
        if person is not None:
            await accounts.set_real_name(connection, account_id, *person)
    await accounts.verify_face(connection, SimulatedFaceCheck(), people["13800000003"], "live:0029")
    credit_code = await accounts.add_enterprise(connection, *DEMO_ENTERPRISE, demo=True)
    await accounts.grant_enterprise_role(
        connection, credit_code, people["13800000003"], "legal_representative"
    )
    await accounts.grant_enterprise_role(
        connection,
        credit_code,
        people["13800000002"],
        "agent",
        scopes=["applications:submit"],
        expires_at=dt.datetime.now(dt.UTC) + dt.timedelta(days=365),
    )
    log.info("identity.demo_seeded", citizens=len(people))


async def _seed_clients(connection: Connection) -> None:
    await oauth.register_client(
        connection,
        client_id=APP_CLIENT_ID,
        name="i深圳 App",
        kind="public",
        department=None,
        secret_hash=None,
        auth_method="none",
        redirect_uris=APP_REDIRECT_URIS,
        post_logout_redirect_uris=["cn.gov.shenzhen.app:/oauth/signed-out"],
        grant_types=["authorization_code", "refresh_token"],
        scopes=[
            "openid",
            "profile",
            "phone",
            "offline_access",
            "enterprise",
            "applications:submit",
            "licences",
        ],
        first_party=True,
        demo=True,
    )
    await oauth.register_client(
        connection,
        client_id=DEPARTMENT_CLIENT_ID,
        name="市场监督管理局 Market regulation",
        kind="confidential",
        department="market-regulation",
        secret_hash=hash_token(DEMO_DEPARTMENT_SECRET),
        auth_method="client_secret_basic",
        redirect_uris=[],
        post_logout_redirect_uris=[],
        grant_types=["client_credentials"],
        scopes=["registry:write", "applications:update"],
        first_party=True,
        demo=True,
    )
    await oauth.register_client(
        connection,
        client_id=REVIEWER_CLIENT_ID,
        name="市政务服务数据管理局 Government services and data",
        kind="confidential",
        department="government-services-data",
        secret_hash=hash_token(REVIEWER_SECRET),
        auth_method="client_secret_basic",
        redirect_uris=[],
        post_logout_redirect_uris=[],
        grant_types=["client_credentials"],
        scopes=["registry:review", "registry:write", "ops:dead-letters"],
        first_party=True,
        demo=True,
    )
    await oauth.register_client(
        connection,
        client_id=THIRD_PARTY_CLIENT_ID,
        name="深圳通乘车码（示例） Metro pass (demo)",
        kind="confidential",
        department=None,
        secret_hash=hash_token(THIRD_PARTY_SECRET),
        auth_method="client_secret_basic",
        redirect_uris=THIRD_PARTY_REDIRECT_URIS,
        post_logout_redirect_uris=[],
        grant_types=["authorization_code", "refresh_token"],
        scopes=["openid", "profile", "phone", "offline_access"],
        first_party=False,
        demo=True,
    )


async def seed_department_clients(
    connection: Connection, clients: Iterable[tuple[str, str, str, str]]
) -> int:
    """Development: one client-credentials client per simulated department system.

    ``clients`` are (client_id, display name, department slug, secret) from the simulators' configuration;
    the clients are demo data, so production refuses to start while they exist. Returns how many were written.
    """
    written = 0
    async with connection.transaction():
        await accounts.lock_demo_seed(connection)
        for client_id, name, department, secret in clients:
            await oauth.register_demo_department_client(
                connection,
                client_id=client_id,
                name=name,
                department=department,
                secret_hash=hash_token(secret),
                scopes=DEPARTMENT_SYSTEM_SCOPES,
            )
            written += 1
    log.info("identity.department_clients_seeded", clients=written)
    return written
