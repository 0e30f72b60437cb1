"""Typed settings, read once from the environment and then passed in.

This module imports nothing of ours, so anything may depend on it.
"""

from __future__ import annotations

import os
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Literal

import msgspec
import platformdirs

__all__ = ["ENV_NAMES", "Settings", "SettingsError", "default_data_dir", "load_settings"]

Environment = Literal["development", "production"]
LogFormat = Literal["console", "json"]
LogLevel = Literal["debug", "info", "warning", "error"]

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


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    """Every knob of the service. Field docs are the README's settings table."""

    environment: Environment = "development"
    host: str = "127.0.0.1"
    port: Port = 8000
    workers: Annotated[int, msgspec.Meta(ge=1, le=64)] = 1
    database_url: str | None = None
    data_dir: str | None = None
    pg_port: Port = 0
    pg_user: str = "nobody"
    db_pool_min: Annotated[int, msgspec.Meta(ge=0, le=100)] = 1
    db_pool_max: Annotated[int, msgspec.Meta(ge=1, le=200)] = 10
    db_connect_timeout: Annotated[float, msgspec.Meta(gt=0, le=60)] = 5.0
    max_body_bytes: PositiveInt = 1_048_576
    # Longest wait for the next part of a request body before answering 408 (a client that sends
    # Content-Length and then nothing would otherwise hold a connection forever).
    body_read_seconds: Annotated[float, msgspec.Meta(gt=0, le=300)] = 15.0
    log_format: LogFormat | None = None
    log_level: LogLevel = "info"
    access_log: bool = True
    change_poll_seconds: Annotated[float, msgspec.Meta(gt=0, le=3600)] = 5.0
    shared_cache_mb: Annotated[int, msgspec.Meta(ge=0, le=4096)] = 16
    catalog_dir: str | None = None
    enable_bench_routes: bool = False
    # Identity provider (issue 4).
    identity_issuer: str | None = None
    identity_access_token_seconds: Annotated[int, msgspec.Meta(ge=30, le=3600)] = 300
    identity_refresh_idle_seconds: Annotated[int, msgspec.Meta(ge=60, le=90 * 86400)] = 14 * 86400
    identity_key_refresh_seconds: Annotated[float, msgspec.Meta(ge=0, le=3600)] = 60.0
    identity_token_rate_per_client: Annotated[int, msgspec.Meta(ge=1, le=1_000_000)] = 6000
    identity_token_rate_per_address: Annotated[int, msgspec.Meta(ge=1, le=1_000_000)] = 300
    # The key-encryption key of the signing keys' private parts (32 bytes, base64url), or a 0600 file holding it.
    # Required in production; development uses a fixed, public one (its keys are development keys).
    identity_key_encryption_key: str | None = None
    identity_key_encryption_key_file: str | None = None
    # Registry (issue 5).
    registry_scheduler_seconds: Annotated[float, msgspec.Meta(gt=0, le=3600)] = 1.0
    # Where an app that cannot draw an item's form is sent: the provincial portal's page of the item.
    web_form_url: Annotated[str, msgspec.Meta(pattern=r"^https://[^{}]+\{implementation_code\}[^{}]*$")] = (
        "https://www.gdzwfw.gov.cn/portal/guide/{implementation_code}"
    )

    @property
    def is_production(self) -> bool:
        return self.environment == "production"

    @property
    def effective_log_format(self) -> LogFormat:
        if self.log_format is not None:
            return self.log_format
        return "json" if self.is_production else "console"

    @property
    def effective_catalog_dir(self) -> Path:
        if self.catalog_dir is not None:
            return Path(self.catalog_dir)
        # A source checkout keeps the data next to src/; elsewhere, look in the working directory.
        checkout = Path(__file__).resolve().parents[2] / "services_catalog"
        return checkout if checkout.is_dir() else Path.cwd() / "services_catalog"

    @property
    def effective_issuer(self) -> str:
        """The OAuth issuer URL, exactly as it appears in tokens and discovery (no trailing slash)."""
        if self.identity_issuer is not None:
            return self.identity_issuer.rstrip("/")
        return f"http://{self.host}:{self.port}"

    @property
    def effective_data_dir(self) -> Path:
        return Path(self.data_dir) if self.data_dir is not None else default_data_dir()


# Field name -> environment variable. DATABASE_URL keeps its conventional name.
ENV_NAMES: dict[str, str] = {
    name: ("DATABASE_URL" if name == "database_url" else f"ISHENZHEN_{name.upper()}")
    for name in Settings.__struct_fields__
}

_BOOL_WORDS = {
    "1": True,
    "true": True,
    "yes": True,
    "on": True,
    "0": False,
    "false": False,
    "no": False,
    "off": False,
}


def load_settings(environ: Mapping[str, str] | None = None, **overrides: object) -> Settings:
    """Build settings from the environment (and explicit overrides such as CLI flags)."""
    environ = os.environ if environ is None else environ
    raw: dict[str, object] = {}
    for field, variable in ENV_NAMES.items():
        value = environ.get(variable)
        if value is not None and value.strip() != "":
            raw[field] = _coerce(field, variable, value.strip())
    raw.update({k: (str(v) if isinstance(v, Path) else v) for k, v in overrides.items() if v is not None})
    try:
        settings = msgspec.convert(raw, Settings, strict=False)
    except msgspec.ValidationError as exc:
        raise _as_settings_error(exc) from None
    _check_consistency(settings)
    return settings


def _coerce(field: str, variable: str, value: str) -> object:
    annotation = Settings.__annotations__[field]
    if annotation == "bool":
        lowered = value.lower()
        if lowered not in _BOOL_WORDS:
            raise SettingsError(variable, f"expected true or false, got {value!r}")
        return _BOOL_WORDS[lowered]
    if annotation in {"LogFormat | None", "LogLevel", "Environment"}:
        return value.lower()
    return value


def _as_settings_error(exc: msgspec.ValidationError) -> SettingsError:
    # msgspec says "Expected `int`, got `str` - at `$.port`"; translate the path into the variable name.
    message = str(exc)
    reason, _, path = message.partition(" - at `$.")
    field = path.rstrip("`").split(".")[0].split("[")[0]
    choices = _literal_choices(field)
    if choices:
        reason = f"{reason}; expected one of {', '.join(choices)}"
    return SettingsError(ENV_NAMES.get(field, field or "settings"), reason)


def _literal_choices(field: str) -> list[str]:
    hint = typing.get_type_hints(Settings).get(field)
    options = [arg for arg in typing.get_args(hint) if arg is not type(None)]
    if options and typing.get_origin(options[0]) is Literal:
        options = list(typing.get_args(options[0]))
    return [str(option) for option in options if isinstance(option, str)]


def _check_consistency(settings: Settings) -> None:
    if settings.database_url is not None and not settings.database_url.startswith(
        ("postgresql://", "postgres://")
    ):
        raise SettingsError("DATABASE_URL", "must start with postgresql:// or postgres://")
    if settings.db_pool_min > settings.db_pool_max:
        raise SettingsError("ISHENZHEN_DB_POOL_MIN", "must not exceed ISHENZHEN_DB_POOL_MAX")
    if settings.identity_issuer is not None and not settings.identity_issuer.startswith(
        ("https://", "http://")
    ):
        raise SettingsError("ISHENZHEN_IDENTITY_ISSUER", "must be an http:// or https:// URL")
    if settings.is_production and settings.enable_bench_routes:
        raise SettingsError("ISHENZHEN_ENABLE_BENCH_ROUTES", "benchmark routes are refused in production")
