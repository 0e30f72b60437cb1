from __future__ import annotations

from pathlib import Path

import pytest

from ishenzhen.settings import ENV_NAMES, SettingsError, load_settings


def test_defaults_serve_locally_in_development() -> None:
    settings = load_settings({})
    assert (settings.host, settings.port, settings.workers) == ("127.0.0.1", 8000, 1)
    assert settings.database_url is None
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
    assert settings.port == 9001 and settings.workers == 4
    assert settings.effective_data_dir == Path("/srv/isz")
    assert settings.access_log is False
    assert settings.is_production and settings.effective_log_format == "json"
    assert settings.database_url == "postgresql://u@db:5432/isz"


def test_overrides_win_over_the_environment() -> None:
    assert load_settings({"ISHENZHEN_PORT": "9001"}, port=9002).port == 9002


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
