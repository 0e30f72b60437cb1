"""Bodies of the OAuth/OIDC endpoints and discovery; their errors are RFC 6749 bodies (``OAuthError``)."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

from ishenzhen.lib.structs import Struct

__all__ = [
    "AuthorizeForm",
    "EndSessionForm",
    "Introspection",
    "Jwk",
    "Jwks",
    "OAuthError",
    "ProviderMetadata",
    "TokenForm",
    "TokenRequestForm",
    "TokenResponse",
    "UserInfo",
]

_Short = Annotated[str, msgspec.Meta(max_length=2048)]
_Token = Annotated[str, msgspec.Meta(max_length=8192)]


class OAuthError(Struct, frozen=True, omit_defaults=True):
    """RFC 6749 §5.2 error."""

    error: str
    error_description: str | None = None
    error_uri: str | None = None
    state: str | None = None


class TokenForm(Struct, frozen=True):
    """RFC 6749 token request (authorization_code, refresh_token or client_credentials)."""

    grant_type: _Short | None = None
    code: _Short | None = None
    redirect_uri: _Short | None = None
    code_verifier: _Short | None = None
    refresh_token: _Short | None = None
    scope: _Short | None = None
    client_id: _Short | None = None
    client_secret: _Short | None = None
    client_assertion_type: _Short | None = None
    client_assertion: _Token | None = None


class TokenResponse(Struct, frozen=True, omit_defaults=True):
    access_token: str
    token_type: str
    expires_in: int
    scope: str | None = None
    refresh_token: str | None = None
    id_token: str | None = None


class TokenRequestForm(Struct, frozen=True):
    """RFC 7009 / RFC 7662 request."""

    token: _Token | None = None
    token_type_hint: _Short | None = None
    client_id: _Short | None = None
    client_secret: _Short | None = None
    client_assertion_type: _Short | None = None
    client_assertion: _Token | None = None


class Introspection(Struct, frozen=True, omit_defaults=True):
    active: bool
    scope: str | None = None
    client_id: str | None = None
    sub: str | None = None
    exp: int | None = None
    iat: int | None = None
    iss: str | None = None
    aud: list[str] | str | None = None
    jti: str | None = None
    acr: str | None = None
    token_type: str | None = None


class AuthorizeForm(Struct, frozen=True):
    """What the login page posts: the authorization request again, the CSRF token and one action."""

    csrf: _Short | None = None
    action: Literal["password", "send_sms", "sms", "party", "consent", "unmet"] | None = None
    decision: Literal["allow", "deny"] | None = None
    mobile: Annotated[str, msgspec.Meta(max_length=32)] | None = None
    password: Annotated[str, msgspec.Meta(max_length=256)] | None = None
    sms_code: Annotated[str, msgspec.Meta(max_length=16)] | None = None
    party: Annotated[str, msgspec.Meta(max_length=32)] | None = None
    response_type: _Short | None = None
    client_id: _Short | None = None
    redirect_uri: _Short | None = None
    scope: _Short | None = None
    state: _Short | None = None
    nonce: _Short | None = None
    code_challenge: _Short | None = None
    code_challenge_method: _Short | None = None
    prompt: _Short | None = None
    max_age: _Short | None = None
    login_hint: _Short | None = None
    acr_values: _Short | None = None


class EndSessionForm(Struct, frozen=True):
    id_token_hint: _Token | None = None
    post_logout_redirect_uri: _Short | None = None
    client_id: _Short | None = None
    state: _Short | None = None


class UserInfo(Struct, frozen=True, omit_defaults=True):
    sub: str
    name: str | None = None
    phone_number: str | None = None
    phone_number_verified: bool | None = None
    assurance_level: str | None = None


class Jwk(Struct, frozen=True, omit_defaults=True):
    kty: str
    kid: str
    crv: str | None = None
    x: str | None = None
    y: str | None = None
    n: str | None = None
    e: str | None = None
    alg: str | None = None
    use: str | None = None


class Jwks(Struct, frozen=True):
    keys: list[Jwk]


class ProviderMetadata(Struct, frozen=True):
    """OpenID Provider / RFC 8414 authorization-server metadata."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    userinfo_endpoint: str
    jwks_uri: str
    revocation_endpoint: str
    introspection_endpoint: str
    end_session_endpoint: str
    scopes_supported: list[str]
    response_types_supported: list[str]
    response_modes_supported: list[str]
    grant_types_supported: list[str]
    code_challenge_methods_supported: list[str]
    token_endpoint_auth_methods_supported: list[str]
    token_endpoint_auth_signing_alg_values_supported: list[str]
    revocation_endpoint_auth_methods_supported: list[str]
    introspection_endpoint_auth_methods_supported: list[str]
    subject_types_supported: list[str]
    id_token_signing_alg_values_supported: list[str]
    acr_values_supported: list[str]
    prompt_values_supported: list[str]
    claims_supported: list[str]
    ui_locales_supported: list[str]
    authorization_response_iss_parameter_supported: bool
    # Discovery §3 defaults request_uri_parameter_supported to true: false must be said.
    request_parameter_supported: bool = False
    request_uri_parameter_supported: bool = False
