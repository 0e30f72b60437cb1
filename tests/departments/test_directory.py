"""The department directory: allow-listed origins, keys that must be there, the "no system" state."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519

from ishenzhen.departments import DepartmentDirectory, DepartmentEntry, DirectoryError

ALLOWED = ["http://127.0.0.1", "https://gov.sz.example:8443"]


def pem(key: ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


KEY = pem(ed25519.Ed25519PrivateKey.generate())


def entry(**fields: object) -> DepartmentEntry:
    values: dict[str, object] = {
        "slug": "education",
        "base_url": "http://127.0.0.1:8101/education",
        "signing_key_id": "gw-education",
        "signing_key_pem": KEY,
    }
    values.update(fields)
    return DepartmentEntry(**values)  # type: ignore[arg-type]


def test_a_configured_department_is_ready_and_every_other_has_no_system() -> None:
    directory = DepartmentDirectory([entry(), entry(slug="justice", base_url=None)], allowed_origins=ALLOWED)
    assert directory.state("education") == "ready"
    assert directory.state("justice") == "no_system"
    assert directory.state("unknown") == "no_system"
    assert directory.routes("education", "000000000000440300") and not directory.routes("justice", "x")


def test_routed_items_limit_what_goes_to_a_system() -> None:
    directory = DepartmentDirectory([entry(items=["070120001000440300"])], allowed_origins=ALLOWED)
    assert directory.routes("education", "070120001000440300")
    assert not directory.routes("education", "070120002000440300")


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://10.0.0.1:8101/education", "allow-list"),
        ("https://gov.sz.example/education", "allow-list"),  # another port than the allowed one
        ("https://gov.sz.example.evil:8443/x", "allow-list"),
        ("ftp://127.0.0.1/x", "absolute http"),
        ("http://127.0.0.1:8101/x?redirect=1", "query"),
        ("http://user:pw@127.0.0.1:8101/x", "credentials"),
        ("/relative", "absolute http"),
    ],
)
def test_base_urls_off_the_allow_list_are_refused(url: str, reason: str) -> None:
    with pytest.raises(DirectoryError, match=reason):
        DepartmentDirectory([entry(base_url=url)], allowed_origins=ALLOWED)


def test_production_requires_https() -> None:
    with pytest.raises(DirectoryError, match="https"):
        DepartmentDirectory([entry()], allowed_origins=ALLOWED, require_https=True)
    DepartmentDirectory(
        [entry(base_url="https://gov.sz.example:8443/education")], allowed_origins=ALLOWED, require_https=True
    )


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"signing_key_pem": None}, "needs signing_key_id and a key"),
        ({"signing_key_pem": "not a key"}, "not a PEM private key"),
        ({"signing_key_pem": pem(ec.generate_private_key(ec.SECP384R1()))}, "P-256"),
        ({"answer_key_id": "x"}, "go together"),
    ],
)
def test_keys_must_be_usable(fields: dict[str, object], reason: str) -> None:
    with pytest.raises(DirectoryError, match=reason):
        DepartmentDirectory([entry(**fields)], allowed_origins=ALLOWED)


def test_a_department_listed_twice_is_refused() -> None:
    with pytest.raises(DirectoryError, match="twice"):
        DepartmentDirectory([entry(), entry()], allowed_origins=ALLOWED)


def test_the_file_is_read_with_key_files_next_to_it(tmp_path: Path) -> None:
    (tmp_path / "education.pem").write_text(KEY)
    document = {
        "departments": [
            {
                "slug": "education",
                "base_url": "http://127.0.0.1:9/education",
                "signing_key_id": "gw",
                "signing_key_file": "education.pem",
                "queries": {"grades": {"path": "/queries/grades", "params": ["term"]}},
            }
        ]
    }
    path = tmp_path / "departments.json"
    path.write_text(json.dumps(document))
    directory = DepartmentDirectory.from_file(path, allowed_origins=ALLOWED)
    assert directory.signing_key("education") is not None
    query = directory.query("education", "grades")
    assert query is not None and query.params == ["term"]
    assert directory.query("education", "other") is None


@pytest.mark.parametrize(
    "text",
    ["{", '{"departments": [{"slug": "Bad Slug"}]}', '{"departments": [{"slug": "ok", "surprise": 1}]}'],
)
def test_a_bad_file_names_the_problem(tmp_path: Path, text: str) -> None:
    path = tmp_path / "departments.json"
    path.write_text(text)
    with pytest.raises(DirectoryError, match=r"departments\.json"):
        DepartmentDirectory.from_file(path, allowed_origins=ALLOWED)
