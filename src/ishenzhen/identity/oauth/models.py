"""What authlib's grants work on, loaded from PostgreSQL before authlib runs: plain objects, no I/O.

They implement authlib's ``ClientMixin``, ``AuthorizationCodeMixin`` and ``TokenMixin`` contracts.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

import msgspec
from authlib.oauth2.rfc6749 import (
    AuthorizationCodeMixin,
    ClientMixin,
    TokenMixin,
    list_to_scope,
    scope_to_list,
)

from ishenzhen.identity.hashing import token_matches
from ishenzhen.identity.oauth.keys import ALGORITHM

__all__ = ["AuthCode", "Client", "RefreshRecord", "Subject", "redirect_uri_matches"]

# RFC 8252 §7.3: a native app listens on a loopback port chosen at run time; only the port may differ.
_LOOPBACK = re.compile(r"^http://(127\.0\.0\.1|\[::1\]):([0-9]{1,5})(/[^#]*)?$")


def redirect_uri_matches(registered: list[str], requested: str) -> bool:
    """Exact string match, except that the port of a loopback redirect may vary."""
    if requested in registered:
        return True
    loopback = _LOOPBACK.match(requested)
    if loopback is None or not 0 < int(loopback[2]) < 65536:
        return False
    return f"http://{loopback[1]}{loopback[3] or ''}" in registered


@dataclass(slots=True)
class Subject:
    """The end user behind a grant: who logged in, how strongly, and for whom they act."""

    account_id: uuid.UUID
    acr: int
    amr: list[str]
    auth_time: dt.datetime
    party: str | None = None

    def get_user_id(self) -> str:
        return str(self.account_id)


@dataclass(slots=True)
class Client(ClientMixin):
    client_id: str
    name: str
    kind: str
    department: str | None
    secret_hash: bytes | None
    jwks: dict[str, Any] | None
    auth_method: str
    redirect_uris: list[str]
    post_logout_redirect_uris: list[str]
    grant_types: list[str]
    scopes: list[str]
    first_party: bool
    demo: bool
    # ES256 unless the client registered RS256 (see ``service.register_client``).
    id_token_signed_response_alg: str = ALGORITHM

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> Client:
        jwks = row["jwks"]
        return cls(
            client_id=row["client_id"],
            name=row["name"],
            kind=row["kind"],
            department=row["department"],
            secret_hash=row["secret_hash"],
            jwks=msgspec.json.decode(jwks) if isinstance(jwks, str) else jwks,
            auth_method=row["auth_method"],
            redirect_uris=list(row["redirect_uris"]),
            post_logout_redirect_uris=list(row["post_logout_redirect_uris"]),
            grant_types=list(row["grant_types"]),
            scopes=list(row["scopes"]),
            first_party=row["first_party"],
            demo=row["demo"],
            id_token_signed_response_alg=row["id_token_signed_response_alg"],
        )

    @property
    def is_public(self) -> bool:
        return self.kind == "public"

    def get_client_id(self) -> str:
        return self.client_id

    # OAuth 2.1: the redirect URI is always required, so there is no default; authlib treats None as "none"
    # (its stubs say str).
    def get_default_redirect_uri(self) -> str | None:  # type: ignore[override]
        return None

    def get_allowed_scope(self, scope: Collection[str] | str | None) -> str:
        if not scope:
            return list_to_scope(self.scopes)
        allowed = set(self.scopes)
        return list_to_scope([s for s in scope_to_list(scope) if s in allowed])

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri_matches(self.redirect_uris, redirect_uri)

    def check_client_secret(self, client_secret: str) -> bool:
        return token_matches(client_secret, self.secret_hash)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method == self.auth_method

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code" and "authorization_code" in self.grant_types

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type in self.grant_types


@dataclass(slots=True)
class AuthCode(AuthorizationCodeMixin):
    code_hash: bytes
    client_id: str
    subject: Subject
    redirect_uri: str
    scope: str
    code_challenge: str | None
    code_challenge_method: str | None
    nonce: str | None

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> AuthCode:
        subject = Subject(row["account_id"], row["acr"], list(row["amr"]), row["auth_time"], row["party"])
        return cls(
            code_hash=row["code_hash"],
            client_id=row["client_id"],
            subject=subject,
            redirect_uri=row["redirect_uri"],
            scope=row["scope"],
            code_challenge=row["code_challenge"],
            code_challenge_method=row["code_challenge_method"],
            nonce=row["nonce"],
        )

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_nonce(self) -> str | None:
        return self.nonce

    def get_auth_time(self) -> int:
        return int(self.subject.auth_time.timestamp())

    def get_acr(self) -> str:
        return f"L{self.subject.acr}"

    def get_amr(self) -> list[str]:
        return self.subject.amr


@dataclass(slots=True)
class RefreshRecord(TokenMixin):
    token_hash: bytes
    family_id: uuid.UUID
    client_id: str
    subject: Subject
    scope: str
    used: bool
    revoked: bool
    expired: bool
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> RefreshRecord:
        subject = Subject(row["account_id"], row["acr"], list(row["amr"]), row["auth_time"], row["party"])
        return cls(
            token_hash=row["token_hash"],
            family_id=row["family_id"],
            client_id=row["client_id"],
            subject=subject,
            scope=row["scope"],
            used=row["used_at"] is not None,
            revoked=row["revoked_at"] is not None,
            expired=bool(row["expired"]),
        )

    def check_client(self, client: Client) -> bool:
        return client.client_id == self.client_id

    def get_scope(self) -> str:
        return self.scope

    def get_expires_in(self) -> int:
        return 0

    def is_revoked(self) -> bool:
        return self.revoked

    def is_expired(self) -> bool:
        return self.expired
