"""Redirect URIs match exactly; only a loopback redirect's port may vary (RFC 8252 §7.3)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ishenzhen.identity.oauth.models import redirect_uri_matches

REGISTERED = [
    "cn.gov.shenzhen.app:/oauth/callback",
    "http://127.0.0.1/callback",
    "http://[::1]/callback",
    "https://dept.example.cn/cb",
]


@pytest.mark.parametrize(
    "uri",
    [
        "cn.gov.shenzhen.app:/oauth/callback",
        "https://dept.example.cn/cb",
        "http://127.0.0.1:1/callback",
        "http://127.0.0.1:65535/callback",
        "http://[::1]:8080/callback",
        "http://127.0.0.1/callback",
    ],
)
def test_registered_and_loopback_port_variants_match(uri: str) -> None:
    assert redirect_uri_matches(REGISTERED, uri)


@pytest.mark.parametrize(
    "uri",
    [
        "https://dept.example.cn/cb/",  # trailing slash
        "https://DEPT.example.cn/cb",  # case change
        "https://dept.example.cn/CB",
        "https://dept.example.cn/cb?x=1",  # extra query
        "https://dept.example.cn/cb#frag",  # fragment
        "https://dept.example.cn.evil.com/cb",  # look-alike host
        "https://dept.example.cn@evil.com/cb",
        "https://dept.example.cn:443/cb",
        "http://dept.example.cn/cb",
        "cn.gov.shenzhen.app:/oauth/callback/",
        "cn.gov.shenzhen.app://oauth/callback",
        "http://localhost:8080/callback",  # RFC 8252: loopback IP literals, not "localhost"
        "http://127.0.0.1:8080/callback/",
        "http://127.0.0.1:8080/callback?x=1",
        "http://127.0.0.1:8080/callback#x",
        "http://127.0.0.1:0/callback",
        "http://127.0.0.1:70000/callback",
        "http://127.0.0.1:8080@evil.com/callback",
        "https://127.0.0.1:8080/callback",
        "http://127.0.0.2:8080/callback",
    ],
)
def test_anything_else_is_refused(uri: str) -> None:
    assert not redirect_uri_matches(REGISTERED, uri)


@given(st.text(max_size=80))
def test_arbitrary_strings_match_only_if_registered_or_loopback(uri: str) -> None:
    if redirect_uri_matches(REGISTERED, uri):
        assert uri in REGISTERED or uri.startswith(("http://127.0.0.1:", "http://[::1]:"))
        assert "#" not in uri and "@" not in uri


@given(st.integers(min_value=1, max_value=65535))
def test_every_loopback_port_matches(port: int) -> None:
    assert redirect_uri_matches(REGISTERED, f"http://127.0.0.1:{port}/callback")
    assert not redirect_uri_matches(REGISTERED, f"http://127.0.0.1:{port}/callback/")
