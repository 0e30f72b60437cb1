from __future__ import annotations

import re
from pathlib import Path

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ishenzhen.settings import ENV_NAMES, SettingsError, load_settings, replace_settings


def test_defaults_serve_locally_in_development() -> None:
    settings = load_settings({})
    assert (settings.http.host, settings.http.port, settings.http.workers) == ("127.0.0.1", 8000, 1)
    assert settings.database.url is None
    assert settings.effective_log_format == "console"


def test_environment_values_are_read_and_typed() -> None:
    settings = load_settings(
        {
            "ISHENZHEN_PORT": "9001",
            "ISHENZHEN_WORKERS": "4",
            "ISHENZHEN_DATA_DIR": "/srv/isz",
            "ISHENZHEN_ACCESS_LOG": "off",
            "ISHENZHEN_ENVIRONMENT": "Production",
            "DATABASE_URL": "postgresql://u@db:5432/isz",
        }
    )
    assert settings.http.port == 9001 and settings.http.workers == 4
    assert settings.embedded.effective_data_dir == Path("/srv/isz")
    assert settings.logging.access_log is False
    assert settings.is_production and settings.effective_log_format == "json"
    assert settings.database.url == "postgresql://u@db:5432/isz"


def test_overrides_win_over_the_environment() -> None:
    assert load_settings({"ISHENZHEN_PORT": "9001"}, port=9002).http.port == 9002


@pytest.mark.parametrize(
    ("variable", "value", "reason"),
    [
        ("ISHENZHEN_PORT", "eighty", "int"),
        ("ISHENZHEN_PORT", "70000", "<= 65535"),
        ("ISHENZHEN_WORKERS", "0", ">= 1"),
        ("ISHENZHEN_ACCESS_LOG", "maybe", "true or false"),
        ("ISHENZHEN_LOG_LEVEL", "loud", "debug"),
        ("ISHENZHEN_ENVIRONMENT", "staging", "development"),
        ("DATABASE_URL", "mysql://x@y/z", "postgresql://"),
        ("ISHENZHEN_WEB_FORM_URL", "http://portal.example/guide/{implementation_code}", "https://"),
        ("ISHENZHEN_WEB_FORM_URL", "https://portal.example/guide", "implementation_code"),
    ],
)
def test_a_bad_value_names_its_variable(variable: str, value: str, reason: str) -> None:
    with pytest.raises(SettingsError) as caught:
        load_settings({variable: value})
    assert caught.value.variable == variable
    assert str(caught.value).startswith(f"{variable}: ")
    assert reason in str(caught.value)


def test_bench_routes_are_refused_in_production() -> None:
    with pytest.raises(SettingsError, match="ISHENZHEN_ENABLE_BENCH_ROUTES"):
        load_settings({"ISHENZHEN_ENVIRONMENT": "production", "ISHENZHEN_ENABLE_BENCH_ROUTES": "1"})


def test_every_setting_has_one_documented_variable() -> None:
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    for variable in ENV_NAMES.values():
        assert f"`{variable}`" in readme, f"{variable} is missing from the README's settings table"


def test_the_readme_table_names_where_each_setting_lives_in_code() -> None:
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| `([A-Z_]+)` \| `([a-z_.]+)` \|", readme, flags=re.MULTILINE))
    defaults = load_settings({})
    for variable in ENV_NAMES.values():
        path = rows.get(variable)
        assert path is not None, f"{variable}: the README's table does not say where it lives in code"
        group, _, attribute = path.rpartition(".")
        holder = getattr(defaults, group) if group else defaults
        assert hasattr(holder, attribute), f"{variable}: settings.{path} does not exist"


# The variables operators already set: regrouping the settings must not rename any of them.
KNOWN_VARIABLES = {
    "ISHENZHEN_ENVIRONMENT",
    "ISHENZHEN_HOST",
    "ISHENZHEN_PORT",
    "ISHENZHEN_WORKERS",
    "DATABASE_URL",
    "ISHENZHEN_DATA_DIR",
    "ISHENZHEN_PG_PORT",
    "ISHENZHEN_PG_USER",
    "ISHENZHEN_DB_POOL_MIN",
    "ISHENZHEN_DB_POOL_MAX",
    "ISHENZHEN_DB_CONNECT_TIMEOUT",
    "ISHENZHEN_MAX_BODY_BYTES",
    "ISHENZHEN_LOG_FORMAT",
    "ISHENZHEN_LOG_LEVEL",
    "ISHENZHEN_ACCESS_LOG",
    "ISHENZHEN_CATALOG_DIR",
    "ISHENZHEN_CHANGE_POLL_SECONDS",
    "ISHENZHEN_SHARED_CACHE_MB",
    "ISHENZHEN_ENABLE_BENCH_ROUTES",
    "ISHENZHEN_IDENTITY_ISSUER",
    "ISHENZHEN_IDENTITY_ACCESS_TOKEN_SECONDS",
    "ISHENZHEN_IDENTITY_REFRESH_IDLE_SECONDS",
    "ISHENZHEN_IDENTITY_KEY_REFRESH_SECONDS",
    "ISHENZHEN_IDENTITY_TOKEN_RATE_PER_CLIENT",
    "ISHENZHEN_IDENTITY_TOKEN_RATE_PER_ADDRESS",
    "ISHENZHEN_REGISTRY_SCHEDULER_SECONDS",
    "ISHENZHEN_WEB_FORM_URL",
}


def test_variable_names_survive_the_grouping() -> None:
    assert KNOWN_VARIABLES <= set(ENV_NAMES.values())
    assert len(set(ENV_NAMES.values())) == len(ENV_NAMES)


def test_each_domain_reads_its_own_group() -> None:
    settings = load_settings(
        {
            "ISHENZHEN_DB_POOL_MAX": "20",
            "ISHENZHEN_PG_PORT": "5433",
            "ISHENZHEN_LOG_LEVEL": "DEBUG",
            "ISHENZHEN_CATALOG_DIR": "/srv/catalogue",
            "ISHENZHEN_IDENTITY_ISSUER": "https://id.example.cn/",
            "ISHENZHEN_IDENTITY_TOKEN_RATE_PER_ADDRESS": "50",
            "ISHENZHEN_REGISTRY_SCHEDULER_SECONDS": "0.5",
            "ISHENZHEN_ENABLE_BENCH_ROUTES": "yes",
        }
    )
    assert settings.database.pool_max == 20 and settings.embedded.port == 5433
    assert settings.logging.level == "debug"
    assert settings.catalog.effective_source_dir == Path("/srv/catalogue")
    assert settings.identity.token_rate_per_address == 50
    assert settings.effective_issuer == "https://id.example.cn"
    assert settings.registry.scheduler_seconds == 0.5
    assert settings.http.enable_bench_routes is True


def test_the_issuer_defaults_to_where_the_server_listens() -> None:
    settings = load_settings({"ISHENZHEN_HOST": "192.0.2.10", "ISHENZHEN_PORT": "8443"})
    assert settings.effective_issuer == "http://192.0.2.10:8443"


def test_every_variable_accepts_its_documented_default() -> None:
    defaults = load_settings({})
    builtins = msgspec.to_builtins(defaults)
    environ: dict[str, str] = {}
    for name, variable in ENV_NAMES.items():
        group = next((g for g in builtins.values() if isinstance(g, dict) and name in g), builtins)
        value = group[name]
        if value is not None:
            environ[variable] = str(value).lower() if isinstance(value, bool) else str(value)
    assert load_settings(environ) == defaults


def test_replacing_a_value_checks_it_like_the_environment() -> None:
    settings = load_settings({})
    assert replace_settings(settings, change_poll_seconds=600).database.change_poll_seconds == 600
    assert replace_settings(settings, port=9000).effective_issuer == "http://127.0.0.1:9000"
    with pytest.raises(SettingsError, match="ISHENZHEN_DB_POOL_MIN"):
        replace_settings(settings, db_pool_min=50, db_pool_max=5)
    with pytest.raises(TypeError, match="no setting is named 'poll'"):
        replace_settings(settings, poll=600)


@given(st.text(max_size=12))
def test_any_text_either_loads_or_names_its_variable(value: str) -> None:
    for variable in (
        "ISHENZHEN_PORT",
        "ISHENZHEN_ACCESS_LOG",
        "ISHENZHEN_LOG_FORMAT",
        "ISHENZHEN_DB_CONNECT_TIMEOUT",
    ):
        try:
            load_settings({variable: value})
        except SettingsError as error:
            assert error.variable == variable
