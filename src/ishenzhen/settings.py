"""Typed settings, read once from the environment and then passed in, grouped by the domain that uses them.

Each group is a frozen Struct; ``Settings`` holds one of each (``settings.database.pool_max``,
``settings.identity.issuer``). A field's encoded name is its setting's *short name*: the environment
variable without the ``ISHENZHEN_`` prefix, lower case (``db_pool_max`` for ``ISHENZHEN_DB_POOL_MAX``;
``database_url`` is ``DATABASE_URL``, which keeps its conventional name). Groups whose fields do not start
with the short name rename them, so the variable sits next to the field it fills. The short name is also
what ``load_settings(**overrides)`` and ``replace_settings`` take, so CLI flags, tests and the README speak
the same names. A new domain adds its own group here and one field on ``Settings``.

This module imports nothing of ours, so anything may depend on it.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Annotated, Literal

import msgspec
import msgspec.inspect
import platformdirs

__all__ = [
    "ENV_NAMES",
    "CatalogSettings",
    "DatabaseSettings",
    "DepartmentsSettings",
    "EmbeddedSettings",
    "HttpSettings",
    "IdentitySettings",
    "LoggingSettings",
    "RegistrySettings",
    "ScreensSettings",
    "Settings",
    "SettingsError",
    "SharedSettings",
    "default_data_dir",
    "load_settings",
    "replace_settings",
]

Environment = Literal["development", "production"]
LogFormat = Literal["console", "json"]
LogLevel = Literal["debug", "info", "warning", "error"]
DepartmentTransport = Literal["aiohttp", "httpx"]

Port = Annotated[int, msgspec.Meta(ge=0, le=65535)]
PositiveInt = Annotated[int, msgspec.Meta(ge=1)]


class SettingsError(ValueError):
    """A setting has a bad value; the message names the environment variable."""

    def __init__(self, variable: str, reason: str) -> None:
        super().__init__(f"{variable}: {reason}")
        self.variable = variable
        self.reason = reason


def default_data_dir() -> Path:
    """The per-user state folder; for root the system state folder, as a service would use.

    PostgreSQL must not run as root, so when we are root the server runs as an unprivileged account,
    which cannot traverse root's home directory: /var/lib is readable by everyone.
    """
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        return Path("/var/lib/ishenzhen")
    return Path(platformdirs.user_state_dir("ishenzhen", appauthor=False))


def _prefixed(prefix: str) -> Callable[[str], str]:
    """A msgspec ``rename`` giving every field of a group the group's variable prefix."""
    return lambda name: prefix + name


class HttpSettings(msgspec.Struct, frozen=True, kw_only=True):
    """The HTTP server: where it listens, how many workers serve, what a request may carry."""

    host: str = "127.0.0.1"
    port: Port = 8000
    workers: Annotated[int, msgspec.Meta(ge=1, le=64)] = 1
    max_body_bytes: PositiveInt = 1_048_576
    enable_bench_routes: bool = False
    # Longest wait for the next part of a request body before answering 408 (a client that sends
    # Content-Length and then nothing would otherwise hold a connection forever).
    body_read_seconds: Annotated[float, msgspec.Meta(gt=0, le=300)] = 15.0
    # Networks of our reverse proxies (comma-separated); only a peer inside one is believed about the client.
    trusted_proxies: Annotated[str, msgspec.Meta(max_length=4096)] = ""
    trusted_proxy_header: Literal["x-forwarded-for", "forwarded"] = "x-forwarded-for"


class DatabaseSettings(
    msgspec.Struct,
    frozen=True,
    kw_only=True,
    rename={
        "url": "database_url",
        "pool_min": "db_pool_min",
        "pool_max": "db_pool_max",
        "connect_timeout": "db_connect_timeout",
    },
):
    """The PostgreSQL server (``url`` unset: the embedded one), the pool, and the change feed's safety poll."""

    url: str | None = None
    pool_min: Annotated[int, msgspec.Meta(ge=0, le=100)] = 1
    pool_max: Annotated[int, msgspec.Meta(ge=1, le=200)] = 10
    connect_timeout: Annotated[float, msgspec.Meta(gt=0, le=60)] = 5.0
    change_poll_seconds: Annotated[float, msgspec.Meta(gt=0, le=3600)] = 5.0


class EmbeddedSettings(
    msgspec.Struct, frozen=True, kw_only=True, rename={"port": "pg_port", "user": "pg_user"}
):
    """The embedded PostgreSQL started when no database URL is given."""

    data_dir: str | None = None
    port: Port = 0
    user: str = "nobody"

    @property
    def effective_data_dir(self) -> Path:
        return Path(self.data_dir) if self.data_dir is not None else default_data_dir()


class HandlingSettings(msgspec.Struct, frozen=True, kw_only=True, rename=_prefixed("handling_")):
    """Applying: idempotency, the outbox dispatcher and uploads."""

    # How long an Idempotency-Key of POST /v1/applications is remembered (the IETF draft and Stripe: 24 h).
    idempotency_hours: Annotated[int, msgspec.Meta(ge=24, le=24 * 30)] = 24
    # Outbox delivery workers per gateway process (0: this process delivers nothing).
    dispatch_workers: Annotated[int, msgspec.Meta(ge=0, le=64)] = 4
    # How long a claimed record is a worker's before another may take it (a crashed worker's records return).
    lease_seconds: Annotated[float, msgspec.Meta(ge=1, le=3600)] = 30.0
    # Safety-net poll of the outbox when no NOTIFY arrives.
    dispatch_poll_seconds: Annotated[float, msgspec.Meta(gt=0, le=60)] = 1.0
    # Attempts before a record is parked as dead, and the full-jitter backoff between them.
    max_attempts: Annotated[int, msgspec.Meta(ge=1, le=100)] = 10
    backoff_base_seconds: Annotated[float, msgspec.Meta(gt=0, le=3600)] = 1.0
    backoff_cap_seconds: Annotated[float, msgspec.Meta(gt=0, le=86400)] = 300.0
    # Uploads (POST /v1/materials): largest file, most PDF pages, and how long one no application uses is kept.
    material_max_bytes: Annotated[int, msgspec.Meta(ge=1024, le=20 * 1024 * 1024)] = 10 * 1024 * 1024
    material_max_pages: Annotated[int, msgspec.Meta(ge=1, le=500)] = 50
    material_hours: Annotated[int, msgspec.Meta(ge=1, le=24 * 30)] = 24
    # New applications (POST /v1/applications) per account and per acting enterprise: the long-run rate per
    # hour, and how many may come at once (benchmarks and load tests raise both).
    submit_rate_per_hour: Annotated[int, msgspec.Meta(ge=1, le=10_000_000)] = 120
    submit_burst: Annotated[int, msgspec.Meta(ge=1, le=10_000_000)] = 20


class NotificationsSettings(msgspec.Struct, frozen=True, kw_only=True, rename=_prefixed("notifications_")):
    """The inbox and the live stream."""

    # Live streams (GET /v1/me/events) one account may hold open per gateway process, and their heartbeat.
    streams_per_user: Annotated[int, msgspec.Meta(ge=1, le=50)] = 3
    heartbeat_seconds: Annotated[float, msgspec.Meta(gt=0, le=300)] = 15.0


class LoggingSettings(
    msgspec.Struct, frozen=True, kw_only=True, rename={"format": "log_format", "level": "log_level"}
):
    """Log rendering and the access event. The format's default depends on the environment: see
    ``Settings.effective_log_format``."""

    format: LogFormat | None = None
    level: LogLevel = "info"
    access_log: bool = True


class CatalogSettings(msgspec.Struct, frozen=True, kw_only=True, rename={"source_dir": "catalog_dir"}):
    """The catalogue's source files and the memory for its finished anonymous responses."""

    source_dir: str | None = None
    shared_cache_mb: Annotated[int, msgspec.Meta(ge=0, le=4096)] = 16
    # Plainly valid searches skip litestar's routing and parameter validation (``catalog.search_endpoint``);
    # off, every search goes through the controller (the same answers, slower).
    raw_search: bool = True

    @property
    def effective_source_dir(self) -> Path:
        if self.source_dir is not None:
            return Path(self.source_dir)
        # A source checkout keeps the data next to src/; elsewhere, look in the working directory.
        checkout = Path(__file__).resolve().parents[2] / "services_catalog"
        return checkout if checkout.is_dir() else Path.cwd() / "services_catalog"


class IdentitySettings(msgspec.Struct, frozen=True, kw_only=True, rename=_prefixed("identity_")):
    """The OAuth/OIDC provider. The issuer's default depends on where the server listens: see
    ``Settings.effective_issuer``."""

    issuer: str | None = None
    access_token_seconds: Annotated[int, msgspec.Meta(ge=30, le=3600)] = 300
    refresh_idle_seconds: Annotated[int, msgspec.Meta(ge=60, le=90 * 86400)] = 14 * 86400
    key_refresh_seconds: Annotated[float, msgspec.Meta(ge=0, le=3600)] = 60.0
    token_rate_per_client: Annotated[int, msgspec.Meta(ge=1, le=1_000_000)] = 6000
    token_rate_per_address: Annotated[int, msgspec.Meta(ge=1, le=1_000_000)] = 300
    # The key-encryption key of the signing keys' private parts (32 bytes, base64url), or a 0600 file holding it.
    # Required in production; development uses a fixed, public one (its keys are development keys).
    key_encryption_key: str | None = None
    key_encryption_key_file: str | None = None


class RegistrySettings(msgspec.Struct, frozen=True, kw_only=True, rename=_prefixed("registry_")):
    """The service-item registry."""

    scheduler_seconds: Annotated[float, msgspec.Meta(gt=0, le=3600)] = 1.0


class SharingSettings(msgspec.Struct, frozen=True, kw_only=True, rename=_prefixed("sharing_")):
    """The data-sharing platform and the data-access log; development pairs with the simulator's defaults."""

    platform_url: str = "http://127.0.0.1:8701"
    client_id: str = "ishenzhen-gateway"
    client_secret: str = "dev-only-data-platform-secret"  # noqa: S105 - refused in production
    timeout_seconds: Annotated[float, msgspec.Meta(gt=0, le=30)] = 0.8
    # base64url 32-byte Ed25519 seed for the access log's signed checkpoints; development uses a fixed key.
    audit_key: str | None = None
    checkpoint_seconds: Annotated[float, msgspec.Meta(gt=0, le=86400)] = 300.0


class ScreensSettings(msgspec.Struct, frozen=True, kw_only=True):
    """What the app draws."""

    # Where an app that cannot draw an item's form is sent: the provincial portal's page of the item.
    web_form_url: Annotated[str, msgspec.Meta(pattern=r"^https://[^{}]+\{implementation_code\}[^{}]*$")] = (
        "https://www.gdzwfw.gov.cn/portal/guide/{implementation_code}"
    )


class DepartmentsSettings(msgspec.Struct, frozen=True, kw_only=True, rename=_prefixed("departments_")):
    """Department systems: the directory file, the origins base URLs may use, the client's transport, and
    the simulators development ``serve`` starts."""

    directory_file: str | None = None
    # Comma-separated scheme://host[:port]; without a port, any port of that host.
    allowed_origins: str = "http://127.0.0.1"
    transport: DepartmentTransport = "aiohttp"
    simulators: bool = True
    simulator_port: Port = 8101
    simulator_pace_seconds: Annotated[float, msgspec.Meta(ge=0, le=3600)] = 2.0

    @property
    def origins(self) -> tuple[str, ...]:
        return tuple(o.strip().rstrip("/") for o in self.allowed_origins.split(",") if o.strip())


class SharedSettings(msgspec.Struct, frozen=True, kw_only=True):
    """State every gateway instance must see alike (rate limits, lockout counters, revocations): in this
    process when unset (one instance), in Valkey when ``valkey_url`` names one."""

    valkey_url: Annotated[str, msgspec.Meta(max_length=2048)] | None = None
    # Longest wait for Valkey per command; past it the call counts as Valkey being down.
    valkey_timeout_seconds: Annotated[float, msgspec.Meta(gt=0, le=30)] = 0.5


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    """Every knob of the service, one group per domain. Field docs are the README's settings table."""

    environment: Environment = "development"
    http: HttpSettings = msgspec.field(default_factory=HttpSettings)
    database: DatabaseSettings = msgspec.field(default_factory=DatabaseSettings)
    embedded: EmbeddedSettings = msgspec.field(default_factory=EmbeddedSettings)
    logging: LoggingSettings = msgspec.field(default_factory=LoggingSettings)
    catalog: CatalogSettings = msgspec.field(default_factory=CatalogSettings)
    identity: IdentitySettings = msgspec.field(default_factory=IdentitySettings)
    registry: RegistrySettings = msgspec.field(default_factory=RegistrySettings)
    screens: ScreensSettings = msgspec.field(default_factory=ScreensSettings)
    sharing: SharingSettings = msgspec.field(default_factory=SharingSettings)
    handling: HandlingSettings = msgspec.field(default_factory=HandlingSettings)
    notifications: NotificationsSettings = msgspec.field(default_factory=NotificationsSettings)
    departments: DepartmentsSettings = msgspec.field(default_factory=DepartmentsSettings)
    shared: SharedSettings = msgspec.field(default_factory=SharedSettings)

    @property
    def is_production(self) -> bool:
        return self.environment == "production"

    # Derived values that need more than one group live here rather than in a group.

    @property
    def effective_log_format(self) -> LogFormat:
        if self.logging.format is not None:
            return self.logging.format
        return "json" if self.is_production else "console"

    @property
    def effective_issuer(self) -> str:
        """The OAuth issuer URL, exactly as it appears in tokens and discovery (no trailing slash)."""
        if self.identity.issuer is not None:
            return self.identity.issuer.rstrip("/")
        return f"http://{self.http.host}:{self.http.port}"


class _Field(msgspec.Struct, frozen=True):
    """Where one setting lives: its group on ``Settings`` (None for a top-level field) and its type."""

    group: str | None
    short_name: str
    variable: str
    type: msgspec.inspect.Type


def _variable(short_name: str) -> str:
    return "DATABASE_URL" if short_name == "database_url" else f"ISHENZHEN_{short_name.upper()}"


def _fields() -> dict[str, _Field]:
    fields: dict[str, _Field] = {}
    top = msgspec.inspect.type_info(Settings)
    assert isinstance(top, msgspec.inspect.StructType)
    for field in top.fields:
        members: list[tuple[str | None, msgspec.inspect.Field]]
        if isinstance(field.type, msgspec.inspect.StructType):
            members = [(field.encode_name, member) for member in field.type.fields]
        else:
            members = [(None, field)]
        for group, member in members:
            if member.encode_name in fields:
                raise TypeError(f"two settings share the short name {member.encode_name!r}")
            fields[member.encode_name] = _Field(
                group, member.encode_name, _variable(member.encode_name), member.type
            )
    return fields


# Short name -> where the setting lives; built from the Structs above, so a new field is a new variable.
_FIELDS = _fields()
# Short name -> environment variable.
ENV_NAMES: dict[str, str] = {name: field.variable for name, field in _FIELDS.items()}

_BOOL_WORDS = {"yes": "true", "on": "true", "no": "false", "off": "false"}


def load_settings(environ: Mapping[str, str] | None = None, **overrides: object) -> Settings:
    """Build settings from the environment and explicit overrides (CLI flags), keyed by short name."""
    environ = os.environ if environ is None else environ
    raw: dict[str, object] = {}
    for field in _FIELDS.values():
        value = environ.get(field.variable)
        if value is not None and value.strip() != "":
            _put(raw, field, _as_word(field.type, value.strip()))
    return _build(raw, overrides)


def replace_settings(settings: Settings, **changes: object) -> Settings:
    """A copy of ``settings`` with some values changed (by short name), checked like the environment."""
    return _build(msgspec.to_builtins(settings), changes)


def _build(raw: dict[str, object], overrides: Mapping[str, object]) -> Settings:
    for name, value in overrides.items():
        if value is None:
            continue
        if name not in _FIELDS:
            raise TypeError(f"no setting is named {name!r}")
        _put(raw, _FIELDS[name], str(value) if isinstance(value, Path) else value)
    try:
        # strict=False turns the environment's strings into ints, floats and bools, and checks the bounds.
        settings = msgspec.convert(raw, Settings, strict=False)
    except msgspec.ValidationError as exc:
        raise _as_settings_error(exc) from None
    _check_consistency(settings)
    return settings


def _put(raw: dict[str, object], field: _Field, value: object) -> None:
    if field.group is None:
        raw[field.short_name] = value
        return
    group = raw.setdefault(field.group, {})
    assert isinstance(group, dict)
    group[field.short_name] = value


def _as_word(kind: msgspec.inspect.Type, value: str) -> str:
    """Choices and switches are case-insensitive words; msgspec knows only ``true``/``false``/``1``/``0``."""
    if isinstance(kind, msgspec.inspect.BoolType):
        lowered = value.lower()
        return _BOOL_WORDS.get(lowered, lowered)
    if _choices(kind):
        return value.lower()
    return value


def _choices(kind: msgspec.inspect.Type) -> tuple[str, ...]:
    options = kind.types if isinstance(kind, msgspec.inspect.UnionType) else (kind,)
    return tuple(
        str(value)
        for option in options
        if isinstance(option, msgspec.inspect.LiteralType)
        for value in option.values
    )


def _as_settings_error(exc: msgspec.ValidationError) -> SettingsError:
    # msgspec says "Expected `int`, got `str` - at `$.http.port`"; translate the path into the variable name.
    reason, _, path = str(exc).partition(" - at `$.")
    short_name = path.rstrip("`").split(".")[-1].split("[")[0]
    field = _FIELDS.get(short_name)
    if field is None:
        return SettingsError("settings", reason)
    if isinstance(field.type, msgspec.inspect.BoolType):
        reason = "expected true or false (also yes/no, on/off, 1/0)"
    elif choices := _choices(field.type):
        reason = f"{reason}; expected one of {', '.join(choices)}"
    return SettingsError(field.variable, reason)


def _check_consistency(settings: Settings) -> None:
    database, identity = settings.database, settings.identity
    if database.url is not None and not database.url.startswith(("postgresql://", "postgres://")):
        raise SettingsError(ENV_NAMES["database_url"], "must start with postgresql:// or postgres://")
    if database.pool_min > database.pool_max:
        raise SettingsError(ENV_NAMES["db_pool_min"], f"must not exceed {ENV_NAMES['db_pool_max']}")
    if identity.issuer is not None and not identity.issuer.startswith(("https://", "http://")):
        raise SettingsError(ENV_NAMES["identity_issuer"], "must be an http:// or https:// URL")
    for origin in settings.departments.origins:
        if not origin.startswith(("https://", "http://")) or origin.count("/") != 2:
            raise SettingsError(
                ENV_NAMES["departments_allowed_origins"], f"{origin!r} is not scheme://host[:port]"
            )
    for entry in (part.strip() for part in settings.http.trusted_proxies.split(",")):
        try:
            if entry:
                ipaddress.ip_network(entry, strict=False)
        except ValueError:
            raise SettingsError(ENV_NAMES["trusted_proxies"], f"{entry!r} is not a network") from None
    valkey_url = settings.shared.valkey_url
    if valkey_url is not None and not valkey_url.startswith(
        ("redis://", "rediss://", "valkey://", "valkeys://")
    ):
        raise SettingsError(
            ENV_NAMES["valkey_url"], "must be a redis://, rediss://, valkey:// or valkeys:// URL"
        )
    if settings.is_production and settings.http.enable_bench_routes:
        raise SettingsError(ENV_NAMES["enable_bench_routes"], "benchmark routes are refused in production")
    if not settings.sharing.platform_url.startswith(("https://", "http://")):
        raise SettingsError(ENV_NAMES["sharing_platform_url"], "must be an http:// or https:// URL")
    for origin in settings.departments.origins:
        if not origin.startswith(("https://", "http://")) or origin.count("/") != 2:
            raise SettingsError(
                ENV_NAMES["departments_allowed_origins"], f"{origin!r} is not scheme://host[:port]"
            )
