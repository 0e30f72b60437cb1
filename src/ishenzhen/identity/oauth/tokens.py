"""Access tokens (RFC 9068 JWTs) and their local verification: no database round trip on the hot path.

Signing uses authlib's ``JWTBearerTokenGenerator`` with the key ring's current key; verification uses
joserfc against the published keys held in memory, with a small cache of already verified tokens (the
expiry is still checked on every use).
"""

from __future__ import annotations

import time
from typing import Any

from authlib.common.security import generate_token
from authlib.oauth2.rfc9068 import JWTBearerTokenGenerator
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from ishenzhen.identity.oauth.keys import ALGORITHM, KeyRing
from ishenzhen.identity.oauth.models import Client, Subject
from ishenzhen.lib.lru import LRU

__all__ = ["API_AUDIENCE", "AccessTokenGenerator", "AccessTokenVerifier", "InvalidToken"]

# RFC 9068 `aud`: the resource server these tokens are for (the ishenzhen API and gateway).
API_AUDIENCE = "urn:ishenzhen:api"
_TYPES = frozenset({"at+jwt", "application/at+jwt"})


class AccessTokenGenerator(JWTBearerTokenGenerator):
    def __init__(self, issuer: str, keys: KeyRing, lifetime_seconds: int) -> None:
        super().__init__(
            issuer,
            alg=ALGORITHM,
            refresh_token_generator=lambda **_: generate_token(48),
            expires_generator=lambda _client, _grant_type: lifetime_seconds,
        )
        self.keys = keys

    def get_jwks(self) -> KeySet:
        return KeySet([self.keys.signing_key().private])

    def get_audiences(self, client: Client, user: Subject | None, scope: str) -> list[str]:
        return [API_AUDIENCE]

    def get_acr(self, user: Subject | None) -> str | None:
        return f"L{user.acr}" if user is not None else None

    def get_auth_time(self, user: Subject | None) -> int | None:
        return int(user.auth_time.timestamp()) if user is not None else None

    def get_amr(self, user: Subject | None) -> list[str] | None:
        return user.amr if user is not None else None

    def get_extra_claims(
        self, client: Client, grant_type: str, user: Subject | None, scope: str
    ) -> dict[str, Any]:
        claims: dict[str, Any] = {}
        if user is not None and user.party is not None:
            # The agent stays the subject; the enterprise is the party acted for.
            claims["party"] = {"type": "enterprise", "id": user.party}
        if user is None and client.department is not None:
            claims["department"] = client.department
        return claims


class InvalidToken(Exception):
    """Why a bearer token was refused; the message is safe to show in ``error_description``."""


class AccessTokenVerifier:
    CACHE_SIZE = 4096

    def __init__(self, keys: KeyRing, issuer: str, audience: str = API_AUDIENCE) -> None:
        self.keys = keys
        self.registry = jwt.JWTClaimsRegistry(
            iss={"essential": True, "value": issuer},
            aud={"essential": True, "value": audience},
            exp={"essential": True},
            iat={"essential": True},
            sub={"essential": True},
            client_id={"essential": True},
            jti={"essential": True},
        )
        self._verified: LRU[str, dict[str, Any]] = LRU(self.CACHE_SIZE)

    def verify(self, token: str) -> dict[str, Any]:
        claims = self._verified.get(token)
        if claims is None:
            claims = self._verify_signature_and_claims(token)
            self._verified.put(token, claims)
        elif claims["exp"] <= time.time():
            self._verified.pop(token)
            raise InvalidToken("the access token has expired")
        return claims

    def _verify_signature_and_claims(self, token: str) -> dict[str, Any]:
        try:
            decoded = jwt.decode(token, self.keys.public_keys, algorithms=[ALGORITHM])
        except (JoseError, ValueError, TypeError, KeyError) as exc:
            raise InvalidToken("the access token is malformed or its signature does not verify") from exc
        if str(decoded.header.get("typ", "")).lower() not in _TYPES:
            raise InvalidToken("the token is not an access token (typ must be at+jwt)")
        try:
            self.registry.validate(decoded.claims)
        except JoseError as exc:
            raise InvalidToken(f"the access token is not valid here: {exc.description or exc.error}") from exc
        if not isinstance(decoded.claims.get("scope", ""), str):
            raise InvalidToken("the access token's scope claim is malformed")
        return decoded.claims
