"""Signing documents the gateway issues (approval results) with the keys the identity provider publishes.

The same keys as the tokens, so a holder or a relying party that already trusts ``/oauth/jwks`` can check a
document offline with any JOSE library; the ``typ`` header keeps a document from being taken for a token.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec
from joserfc import jws

from ishenzhen.identity.state import IdentityState

__all__ = ["RESULT_TYPE", "sign_document"]

RESULT_TYPE = "ishenzhen-result+jwt"
_encoder = msgspec.json.Encoder(order="sorted")


def sign_document(identity: IdentityState, claims: dict[str, Any], *, typ: str = RESULT_TYPE) -> str:
    """A compact JWS over ``claims`` (plus ``iss`` and ``iat``), signed with the current published key."""
    key = identity.keys.signing_key()
    payload = {
        "iss": identity.settings.effective_issuer,
        "iat": int(dt.datetime.now(dt.UTC).timestamp()),
        **claims,
    }
    token: str = jws.serialize_compact(
        {"alg": key.alg, "kid": key.kid, "typ": typ}, _encoder.encode(payload), key.private
    )
    return token
