"""authlib's authorization server, configured for RFC 9700 and made to run without I/O.

authlib's server side is synchronous. Everything its grants read (clients, the authorization code, the
refresh token) is loaded with asyncpg *before* it runs and handed over in a typed exchange (``exchange``);
everything it writes is recorded there and persisted *after* it returns (``service.provider``). authlib
itself then only validates, compares, and signs.

Stricter than authlib's defaults:
- PKCE: only ``S256``; the method must be named; a challenge is required for every public client.
- Refresh tokens rotate on every use (``INCLUDE_NEW_REFRESH_TOKEN``); reuse is caught before authlib runs.
- No implicit and no password grant are registered; OAuth 2.1 always requires ``redirect_uri``.
"""

from __future__ import annotations

import re
import time
from collections import defaultdict
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeAlias, cast

from authlib.oauth2.rfc6749 import (
    AuthorizationServer,
    ClientMixin,
    InvalidClientError,
    InvalidRequestError,
    InvalidScopeError,
    OAuth2Error,
    OAuth2Request,
    TokenMixin,
    grants,
    scope_to_list,
)
from authlib.oauth2.rfc6749.requests import BasicOAuth2Payload
from authlib.oauth2.rfc7009 import RevocationEndpoint
from authlib.oauth2.rfc7523 import JWTBearerClientAssertion
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oauth2.rfc7636.challenge import compare_s256_code_challenge
from authlib.oauth2.rfc7662 import IntrospectionEndpoint
from authlib.oidc.core import UserInfo
from authlib.oidc.core.grants import OpenIDCode
from joserfc.jwk import KeySet

from ishenzhen.identity.accounts.models import Account

if TYPE_CHECKING:
    from joserfc.jwk import KeySetSerialization
from ishenzhen.identity.oauth.exchange import (
    AuthorizeExchange,
    ClientAssertion,
    IssuedCode,
    IssuedToken,
    LookedUpToken,
    TokenExchange,
    TokenLookupExchange,
    current,
    exchange_of,
)
from ishenzhen.identity.oauth.keys import KeyRing
from ishenzhen.identity.oauth.models import AuthCode, Client, RefreshRecord, Subject
from ishenzhen.identity.oauth.tokens import AccessTokenGenerator
from ishenzhen.identity.scopes import SCOPES

__all__ = ["CLIENT_AUTH_METHODS", "SCOPES", "Provider", "ProviderRequest", "ServerAnswer", "UserInfoSource"]

CLIENT_AUTH_METHODS = ["client_secret_basic", "client_secret_post", "private_key_jwt", "none"]
_S256_CHALLENGE = re.compile(r"^[A-Za-z0-9_-]{43}$")


# (status, body, headers) of an authlib endpoint, as ``Provider.handle_response`` hands it back.
ServerAnswer: TypeAlias = tuple[int, Any, list[tuple[str, str]]]
# The claims of the ID token and userinfo: (subject, granted scope, the subject's account if it was read).
UserInfoSource = Callable[[Subject, str, Account | None], dict[str, Any]]


class ProviderRequest(OAuth2Request):
    """An OAuth2Request from values litestar already parsed (authlib's own __init__ insists on https;
    transport security is the deployment's job, and production requires an https issuer)."""

    def __init__(
        self,
        method: str,
        uri: str,
        headers: Mapping[str, str],
        data: Mapping[str, str],
        datalist: Mapping[str, list[str]] | None = None,
    ) -> None:
        self.method, self.uri, self.headers = method, uri, headers
        self._body = None
        self.payload = BasicOAuth2Payload(dict(data))
        if datalist is not None:
            # Repeated parameters (a second client_id, say) are refused by authlib from this private map;
            # BasicOAuth2Payload builds it from single values and offers no way to pass the parsed lists.
            self.payload._datalist = defaultdict(list, datalist)  # type: ignore[attr-defined]
        self.client = self.auth_method = self.user = self.authorization_code = None
        self.refresh_token = self.credential = self._scope = None
        self._data = dict(data)
        self._args: dict[str, str | None] = dict(data)

    @property
    def args(self) -> dict[str, str | None]:
        return self._args

    @property
    def form(self) -> dict[str, str]:
        return self._data


class StrictCodeChallenge(CodeChallenge):
    DEFAULT_CODE_CHALLENGE_METHOD = "S256"
    SUPPORTED_CODE_CHALLENGE_METHOD = ["S256"]
    CODE_CHALLENGE_METHODS = {"S256": compare_s256_code_challenge}

    def validate_code_challenge(self, grant: Any, redirect_uri: str) -> None:
        data = grant.request.payload.data
        challenge, method = data.get("code_challenge"), data.get("code_challenge_method")
        if grant.request.client.is_public and not challenge:
            raise InvalidRequestError("PKCE is required: send code_challenge with code_challenge_method=S256")
        if challenge or method:
            if method != "S256":
                raise InvalidRequestError("code_challenge_method must be S256")
            if not challenge or not _S256_CHALLENGE.match(challenge):
                raise InvalidRequestError(
                    "code_challenge must be the 43-character base64url SHA-256 of the verifier"
                )
        super().validate_code_challenge(grant, redirect_uri)


def refuse_unregistered_scopes(request: OAuth2Request) -> None:
    """``invalid_scope`` for any requested scope the client is not registered for.

    RFC 6749 §3.3 lets a server either refuse such a request or issue fewer scopes and say so in ``scope``
    (§5.1). We refuse: a client asking for what it was never granted is misconfigured, and the narrowed
    answer hides that until an API call fails far from the cause, because stock clients rarely read the
    response's ``scope`` (the probe's market-regulation client got a token without ``registry:review`` and
    no word about it). The error names the scopes, so the fix is obvious.
    """
    client, payload = request.client, request.payload
    assert isinstance(client, Client), "authlib authenticates the client before it checks the scope"
    assert payload is not None, "a grant's request carries its parameters"
    unregistered = [s for s in scope_to_list(payload.scope) or [] if s not in client.scopes]
    if unregistered:
        raise InvalidScopeError(
            description=f"the client is not registered for scope {' '.join(sorted(set(unregistered)))}"
        )


class IdTokens(OpenIDCode):
    def __init__(self, provider: Provider) -> None:
        super().__init__(require_nonce=False)
        self.provider = provider

    def exists_nonce(self, nonce: str, request: OAuth2Request) -> bool:
        return False  # nonce replay is the client's check (it compares the ID token's nonce with its own)

    def resolve_client_private_key(self, client: Client) -> KeySet:
        return KeySet([self.provider.keys.signing_key(client.id_token_signed_response_alg).private])

    def get_client_algorithm(self, client: Client) -> str:
        return client.id_token_signed_response_alg

    def get_encode_header(self, client: Client) -> dict[str, str]:
        key = self.provider.keys.signing_key(client.id_token_signed_response_alg)
        return {"alg": key.alg, "typ": "JWT", "kid": key.kid}

    def get_client_claims(self, client: Client) -> dict[str, Any]:
        now = int(time.time())
        return {
            "iss": self.provider.issuer,
            "aud": [client.client_id],
            "iat": now,
            "exp": now + self.provider.access_token_seconds,
        }

    def generate_user_info(self, user: Subject, scope: str) -> UserInfo:
        redemption = exchange_of(TokenExchange).code
        return UserInfo(self.provider.user_info(user, scope, redemption.profile if redemption else None))


class CodeGrant(grants.AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = CLIENT_AUTH_METHODS

    def validate_requested_scope(self) -> None:
        super().validate_requested_scope()
        refuse_unregistered_scopes(self.request)

    def save_authorization_code(self, code: str, request: OAuth2Request) -> None:
        exchange_of(AuthorizeExchange).issued_code = IssuedCode(code, request)

    def query_authorization_code(self, code: str, client: ClientMixin) -> AuthCode | None:
        redemption = exchange_of(TokenExchange).code
        found = redemption.code if redemption is not None else None
        return found if found is not None and found.client_id == client.get_client_id() else None

    def delete_authorization_code(self, authorization_code: AuthCode) -> None:
        redemption = exchange_of(TokenExchange).code
        assert redemption is not None, "authlib consumes only a code it was given"
        redemption.consumed = authorization_code

    def authenticate_user(self, authorization_code: AuthCode) -> Subject:
        return authorization_code.subject


class RotatingRefreshGrant(grants.RefreshTokenGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = CLIENT_AUTH_METHODS
    INCLUDE_NEW_REFRESH_TOKEN = True

    # None (not found) is what authlib expects for an unknown token; its stubs say TokenMixin.
    def authenticate_refresh_token(self, refresh_token: str) -> RefreshRecord | None:  # type: ignore[override]
        rotation = exchange_of(TokenExchange).refresh
        found = rotation.record if rotation is not None else None
        if found is None or found.used or found.revoked or found.expired:
            return None
        return found

    def authenticate_user(self, refresh_token: RefreshRecord) -> Subject:
        return refresh_token.subject

    def revoke_old_credential(self, refresh_token: TokenMixin) -> None:
        rotation = exchange_of(TokenExchange).refresh
        assert rotation is not None, "authlib rotates only a refresh token it was given"
        assert isinstance(refresh_token, RefreshRecord)
        rotation.rotated = refresh_token


class DepartmentCredentialsGrant(grants.ClientCredentialsGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post", "private_key_jwt"]

    def validate_requested_scope(self) -> None:
        super().validate_requested_scope()
        refuse_unregistered_scopes(self.request)


class PrivateKeyJWT(JWTBearerClientAssertion):
    # authlib's own name for this method is "client_assertion_jwt" (declared Final in its stubs); OpenID
    # Connect and RFC 8414 metadata call it private_key_jwt, which is what clients register and send.
    CLIENT_AUTH_METHOD = "private_key_jwt"  # type: ignore[misc]

    def __init__(self, audiences: list[str]) -> None:
        super().__init__(validate_jti=True, leeway=30)
        self.audiences = audiences

    def get_audiences(self) -> list[str]:
        return self.audiences

    def validate_jti(self, claims: Mapping[str, Any], jti: str) -> bool:
        exchange = exchange_of(TokenExchange)
        if (claims["sub"], jti) in exchange.seen_assertions:
            return False
        # Recorded after authlib returns; a concurrent replay loses the insert and is refused then.
        exchange.assertion = ClientAssertion(claims["sub"], jti, int(claims["exp"]))
        return True

    def resolve_client_public_key(self, client: Client) -> KeySet:
        if not client.jwks:
            raise InvalidClientError(description="the client has no registered keys")
        return KeySet.import_key_set(cast("KeySetSerialization", client.jwks))


class Revocation(RevocationEndpoint):
    CLIENT_AUTH_METHODS = CLIENT_AUTH_METHODS

    def query_token(self, token_string: str, token_type_hint: str | None) -> LookedUpToken | None:
        return exchange_of(TokenLookupExchange).token

    def revoke_token(self, token: LookedUpToken, request: OAuth2Request) -> None:
        exchange_of(TokenLookupExchange).revoked = token


class Introspection(IntrospectionEndpoint):
    CLIENT_AUTH_METHODS = ["client_secret_basic", "client_secret_post", "private_key_jwt"]

    def query_token(self, token_string: str, token_type_hint: str | None) -> LookedUpToken | None:
        return exchange_of(TokenLookupExchange).token

    def check_permission(self, token: LookedUpToken, client: Client, request: OAuth2Request) -> bool:
        # Any authenticated confidential client may ask (resource servers introspect others' tokens).
        return True

    def introspect_token(self, token: LookedUpToken) -> dict[str, Any]:
        return dict(token.introspection)


class Provider(AuthorizationServer):
    def __init__(
        self, issuer: str, keys: KeyRing, access_token_seconds: int, user_info: UserInfoSource
    ) -> None:
        super().__init__(scopes_supported=SCOPES)
        self.issuer = issuer
        self.keys = keys
        self.access_token_seconds = access_token_seconds
        self.user_info = user_info
        self.register_token_generator("default", AccessTokenGenerator(issuer, keys, access_token_seconds))
        self.register_grant(CodeGrant, [StrictCodeChallenge(required=True), IdTokens(self)])
        self.register_grant(RotatingRefreshGrant)
        self.register_grant(DepartmentCredentialsGrant)
        self.register_client_auth_method("private_key_jwt", PrivateKeyJWT([f"{issuer}/oauth/token", issuer]))
        self.register_endpoint(Revocation)
        self.register_endpoint(Introspection)

    # None for an unknown client is what authlib expects (it answers invalid_client); its stubs say ClientMixin.
    def query_client(self, client_id: str) -> Client | None:  # type: ignore[override]
        return current.get().clients.get(client_id)

    def save_token(self, token: dict[str, Any], request: OAuth2Request) -> None:
        exchange_of(TokenExchange).issued = IssuedToken(token, request)

    def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
        return None

    def create_oauth2_request(self, request: OAuth2Request) -> OAuth2Request:
        return request

    def create_json_request(self, request: Any) -> Any:
        return request

    def handle_response(self, status: int, body: Any, headers: Any) -> ServerAnswer:
        return status, body, list(headers.items() if isinstance(headers, dict) else headers)

    # authlib's endpoints answer whatever ``handle_response`` returns (its stubs say ``object``): these name
    # that type once, for the callers.

    def token_response(self, request: OAuth2Request) -> ServerAnswer:
        return cast("ServerAnswer", self.create_token_response(request))

    def endpoint_response(self, name: str, request: OAuth2Request) -> ServerAnswer:
        return cast("ServerAnswer", self.create_endpoint_response(name, request))

    def authorization_response(self, request: OAuth2Request, subject: Subject, grant: Any) -> ServerAnswer:
        return cast("ServerAnswer", self.create_authorization_response(request, subject, grant))

    def error_response(self, request: OAuth2Request, error: OAuth2Error) -> ServerAnswer:
        return cast("ServerAnswer", self.handle_error_response(request, error))
