"""The token, revocation and introspection endpoints: load what authlib needs, run it without I/O, persist
what it produced.

Single use of codes and refresh tokens is decided by PostgreSQL, not by the prefetch: the write that flips
``used_at`` must succeed, in the same transaction as the tokens' records, or the answer is ``invalid_grant``
and what the code or token family issued before is revoked.
"""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

import asyncpg
import msgspec
import structlog
from authlib.oauth2.rfc6749.util import extract_basic_authorization
from joserfc import jws
from joserfc.errors import JoseError

from ishenzhen.db.types import Connection
from ishenzhen.identity.accounts import service as accounts
from ishenzhen.identity.accounts import throttle
from ishenzhen.identity.accounts.models import Account
from ishenzhen.identity.hashing import hash_token
from ishenzhen.identity.oauth._sql import queries
from ishenzhen.identity.oauth.engine import Provider, ProviderRequest
from ishenzhen.identity.oauth.exchange import (
    ClientAssertion,
    CodeRedemption,
    Exchange,
    LookedUpToken,
    RefreshRotation,
    TokenExchange,
    TokenLookupExchange,
    current,
)
from ishenzhen.identity.oauth.keys import KeyRing
from ishenzhen.identity.oauth.models import AuthCode, Client, RefreshRecord, Subject
from ishenzhen.identity.oauth.service.revocations import RevocationList
from ishenzhen.identity.oauth.tokens import AccessTokenVerifier, InvalidToken

__all__ = ["CODE_SECONDS", "REFRESH_ABSOLUTE", "IdentityProvider", "OAuthResult", "oauth_error"]

log = structlog.get_logger(__name__)
_T = TypeVar("_T")
CODE_SECONDS = 300
REFRESH_ABSOLUTE = dt.timedelta(days=90)


@dataclass(slots=True)
class OAuthResult:
    status: int
    body: Any
    headers: list[tuple[str, str]] = field(default_factory=list)


def oauth_error(error: str, description: str, status: int = 400) -> OAuthResult:
    return OAuthResult(status, {"error": error, "error_description": description})


def _assertion_ids(form: Mapping[str, str]) -> tuple[str, str] | None:
    """(sub, jti) of a client assertion, unverified: only to prefetch; authlib verifies it."""
    assertion = form.get("client_assertion")
    if not assertion:
        return None
    try:
        claims = msgspec.json.decode(jws.extract_compact(assertion.encode()).payload)
    except (JoseError, ValueError, TypeError, msgspec.DecodeError):
        return None
    if not isinstance(claims, dict) or not isinstance(claims.get("sub"), str):
        return None
    return claims["sub"], str(claims.get("jti", ""))


class IdentityProvider:
    def __init__(
        self,
        pool: asyncpg.Pool,
        keys: KeyRing,
        issuer: str,
        access_token_seconds: int,
        idle: int,
        token_rates: tuple[int, int] = (6000, 300),
        *,
        limiter: throttle.Throttle,
    ) -> None:
        self.pool = pool
        # The sign-in pages' and token endpoint's limits (the flow reaches them through the provider).
        self.throttle = limiter
        # Token requests per minute per claimed client id, and per address.
        # Fail open: every signed-in app refreshes here, and refusing while Valkey is away signs everyone out;
        # the client's own authentication still guards the endpoint.
        self.token_limits = (
            throttle.Limit("token_client", token_rates[0], 60, fail_closed=False),
            throttle.Limit("token_address", token_rates[1], 60, fail_closed=False),
        )
        self.keys = keys
        self.issuer = issuer
        self.idle_seconds = idle
        self.server = Provider(issuer, keys, access_token_seconds, self.user_info)
        self.verifier = AccessTokenVerifier(keys, issuer)
        self.revocations = RevocationList(pool)

    # -- shared ---------------------------------------------------------------------------------------

    @staticmethod
    def user_info(subject: Subject, scope: str, profile: Account | None) -> dict[str, Any]:
        """The OpenID claims of ``subject`` that ``scope`` grants (ID token and userinfo alike)."""
        scopes = set(scope.split())
        info: dict[str, Any] = {"sub": str(subject.account_id)}
        if profile is not None and "phone" in scopes:
            info.update(phone_number=f"+86{profile.mobile}", phone_number_verified=True)
        if profile is not None and "profile" in scopes:
            info["assurance_level"] = f"L{profile.assurance_level}"
            if profile.name:
                info["name"] = profile.name
        return info

    async def claims_of(self, connection: Connection, sub: str, scope: str) -> dict[str, Any]:
        """The userinfo claims of a verified token's subject (``SubjectGone`` when the account is gone)."""
        profile = await accounts.account_of(connection, sub)
        return self.user_info(
            Subject(profile.id, profile.assurance_level, [], profile.created_at), scope, profile
        )

    @staticmethod
    async def load_clients(connection: Connection, client_ids: list[str]) -> dict[str, Client]:
        """The registered clients among ``client_ids`` (blank and over-long ids skipped), by id."""
        wanted = [c for c in dict.fromkeys(client_ids) if c and len(c) <= 64]
        if not wanted:
            return {}
        rows = [row async for row in queries.clients_by_id(connection, client_ids=wanted)]
        return {row["client_id"]: Client.from_row(row) for row in rows}

    def run(self, exchange: Exchange, call: Callable[..., _T], *args: Any) -> _T:
        """Run one synchronous authlib call with this request's exchange (what it reads, and writes)."""
        reset = current.set(exchange)
        try:
            return call(*args)
        finally:
            current.reset(reset)

    def _client_ids(
        self, headers: Mapping[str, str], form: Mapping[str, str]
    ) -> tuple[list[str], tuple[str, str] | None]:
        basic_id, _ = extract_basic_authorization({"Authorization": headers.get("authorization", "")})
        assertion = _assertion_ids(form)
        ids = [form.get("client_id") or "", basic_id or "", assertion[0] if assertion else ""]
        return ids, assertion

    # -- token endpoint -------------------------------------------------------------------------------

    async def token(
        self, uri: str, headers: Mapping[str, str], form: Mapping[str, str], address: str
    ) -> OAuthResult:
        grant_type = form.get("grant_type")
        if grant_type in ("password", "implicit"):
            return oauth_error(
                "unsupported_grant_type", f"grant_type={grant_type} is not supported (OAuth 2.1)"
            )
        client_ids, assertion = self._client_ids(headers, form)
        async with self.pool.acquire() as connection:
            throttled = await self._throttle(connection, client_ids, address)
            if throttled is not None:
                return throttled
            exchange = TokenExchange(clients=await self.load_clients(connection, client_ids))
            if assertion and assertion[1]:
                sub, jti = assertion
                if await queries.client_assertion_seen(connection, client_id=sub, jti=jti):
                    exchange.seen_assertions = frozenset({assertion})
            if grant_type == "authorization_code" and form.get("code"):
                exchange.code = await self._prefetch_code(connection, form["code"], address)
            elif grant_type == "refresh_token" and form.get("refresh_token"):
                exchange.refresh = await self._prefetch_refresh(connection, form["refresh_token"], address)
        await self.keys.refresh_if_stale()
        request = ProviderRequest("POST", uri, headers, form)
        status, body, response_headers = self.run(exchange, self.server.token_response, request)
        if status == 200:
            failure = await self._persist_token(exchange, body, address)
            if failure is not None:
                return failure
        return OAuthResult(status, body, response_headers)

    async def _throttle(
        self, connection: Connection, client_ids: list[str], address: str
    ) -> OAuthResult | None:
        """429 with Retry-After and an RFC 6749 §5.2 body. The error is ``invalid_request``: RFC 6749 defines no
        rate-limit code for the token endpoint, and ``slow_down`` (RFC 8628) tells a device-flow client to
        widen its polling interval, which none of our grants do."""
        claimed = next((c for c in client_ids if c), "")[:64]
        limits = [(self.token_limits[1], address)]
        if claimed:
            limits.append((self.token_limits[0], claimed))
        try:
            await self.throttle.hit_all(limits)
        except throttle.Throttled as exc:
            who = "this client" if exc.limit.name == "token_client" else "this address"
            await accounts.audit(
                connection,
                "token.throttled",
                client_id=claimed or None,
                address=address,
                limit=exc.limit.name,
            )
            result = oauth_error(
                "invalid_request", f"too many token requests from {who}: retry after {exc.retry_after} s", 429
            )
            result.headers.append(("Retry-After", str(exc.retry_after)))
            return result
        return None

    async def _prefetch_code(self, connection: Connection, code: str, address: str) -> CodeRedemption:
        row = await queries.code_by_hash(connection, code_hash=hash_token(code))
        if row is None:
            return CodeRedemption(None)
        if row["used_at"] is not None:
            # A replayed code: revoke whatever its first use issued (RFC 9700 §4.5).
            await self._revoke_code(connection, row["code_hash"])
            await accounts.audit(
                connection,
                "code.replayed",
                account_id=row["account_id"],
                client_id=row["client_id"],
                address=address,
            )
            return CodeRedemption(None)
        if row["expired"]:
            return CodeRedemption(None)
        found = AuthCode.from_row(row)
        return CodeRedemption(found, await accounts.profile_by_id(connection, found.subject.account_id))

    async def _prefetch_refresh(self, connection: Connection, token: str, address: str) -> RefreshRotation:
        row = await queries.refresh_token_by_hash(
            connection, token_hash=hash_token(token), idle_seconds=self.idle_seconds
        )
        if row is None:
            return RefreshRotation(None)
        record = RefreshRecord.from_row(row)
        if record.used and not record.revoked:
            await self._revoke_reused_family(connection, record, address)
            record.revoked = True
        return RefreshRotation(record)

    async def _revoke_code(self, connection: Connection, code_hash: bytes) -> None:
        """Everything a replayed code issued ends: its refresh families and their access tokens, and the
        access token of its first redemption (RFC 6749 §4.1.2)."""
        async with connection.transaction():
            await queries.revoke_families_of_code(connection, code_hash=code_hash, why="code_replayed")
            await queries.revoke_access_tokens_of_code(connection, code_hash=code_hash)
            await queries.notify_revocations(connection)
        await self.revocations.refresh(connection)

    async def _revoke_family(self, connection: Connection, family_id: uuid.UUID, why: str) -> None:
        """A refresh-token family ends with the access tokens it issued (RFC 7009 §2.1)."""
        async with connection.transaction():
            await queries.revoke_family(connection, id=family_id, why=why)
            await queries.revoke_access_tokens_of_family(connection, id=family_id)
            await queries.notify_revocations(connection)
        await self.revocations.refresh(connection)

    async def _revoke_reused_family(
        self, connection: Connection, record: RefreshRecord, address: str
    ) -> None:
        await self._revoke_family(connection, record.family_id, "refresh_token_reused")
        await accounts.audit(
            connection,
            "refresh.reused",
            account_id=record.subject.account_id,
            client_id=record.client_id,
            address=address,
            family=str(record.family_id),
        )

    async def _remember_assertion(self, connection: Connection, assertion: ClientAssertion) -> bool:
        inserted = await queries.remember_client_assertion(
            connection,
            client_id=assertion.sub,
            jti=assertion.jti,
            expires_at=dt.datetime.fromtimestamp(assertion.exp, dt.UTC),
        )
        return inserted is not None

    async def _persist_token(
        self, exchange: TokenExchange, token: dict[str, Any], address: str
    ) -> OAuthResult | None:
        assert exchange.issued is not None, "authlib answered 200 without saving the token"
        request = exchange.issued.request
        client, subject = request.client, request.user
        assert isinstance(client, Client)
        assert subject is None or isinstance(subject, Subject)
        refresh = token.get("refresh_token")
        consumed = exchange.code.consumed if exchange.code is not None else None
        rotated = exchange.refresh.rotated if exchange.refresh is not None else None
        async with self.pool.acquire() as connection:
            if exchange.assertion is not None and not await self._remember_assertion(
                connection, exchange.assertion
            ):
                return oauth_error("invalid_client", "the client assertion was used before", 401)
            if consumed is not None:
                code = consumed
                async with connection.transaction():
                    won = await queries.consume_code(connection, code_hash=code.code_hash)
                    if won:
                        family_id = None
                        if refresh:
                            family_id = await self._new_family(
                                connection, client, code.subject, code.scope, code.code_hash, refresh
                            )
                        await self._record_access_token(connection, token, family_id, code.code_hash)
                if not won:
                    await self._revoke_code(connection, code.code_hash)
                    await accounts.audit(
                        connection,
                        "code.replayed",
                        account_id=code.subject.account_id,
                        client_id=client.client_id,
                        address=address,
                    )
                    return oauth_error("invalid_grant", "the authorization code was already used")
            elif rotated is not None:
                old = rotated
                async with connection.transaction():
                    won = await queries.use_refresh_token(connection, token_hash=old.token_hash)
                    alive = won and await queries.touch_family(connection, id=old.family_id)
                    if alive:
                        assert refresh is not None, (
                            "a rotating refresh grant always issues a new refresh token"
                        )
                        await queries.insert_refresh_token(
                            connection, token_hash=hash_token(refresh), family_id=old.family_id
                        )
                        await self._record_access_token(connection, token, old.family_id, None)
                if not won:
                    await self._revoke_reused_family(connection, old, address)
                if not alive:
                    return oauth_error("invalid_grant", "the refresh token is no longer valid")
            await accounts.audit(
                connection,
                "token.issued",
                account_id=subject.account_id if subject else None,
                client_id=client.client_id,
                address=address,
                grant_type=request.payload.grant_type if request.payload else None,
                scope=token.get("scope", ""),
            )
        return None

    async def _new_family(
        self,
        connection: Connection,
        client: Client,
        subject: Subject,
        scope: str,
        code_hash: bytes,
        refresh: str,
    ) -> uuid.UUID:
        family_id = uuid.uuid4()
        await queries.insert_family(
            connection,
            id=family_id,
            client_id=client.client_id,
            account_id=subject.account_id,
            scope=scope,
            acr=subject.acr,
            amr=subject.amr,
            auth_time=subject.auth_time,
            party=subject.party,
            code_hash=code_hash,
            expires_at=dt.datetime.now(dt.UTC) + REFRESH_ABSOLUTE,
        )
        await queries.insert_refresh_token(connection, token_hash=hash_token(refresh), family_id=family_id)
        return family_id

    @staticmethod
    async def _record_access_token(
        connection: Connection, token: dict[str, Any], family_id: uuid.UUID | None, code_hash: bytes | None
    ) -> None:
        """Remember where an access token came from, until it expires, so revoking that ends it too."""
        # We signed it a moment ago: reading the claims needs no verification.
        claims = msgspec.json.decode(jws.extract_compact(token["access_token"].encode()).payload)
        await queries.record_access_token(
            connection,
            jti=claims["jti"],
            family_id=family_id,
            code_hash=code_hash,
            expires_at=dt.datetime.fromtimestamp(claims["exp"], dt.UTC),
        )

    # -- revocation and introspection ---------------------------------------------------------------

    async def _lookup(self, connection: Connection, token: str) -> LookedUpToken | None:
        row = await queries.refresh_token_by_hash(
            connection, token_hash=hash_token(token), idle_seconds=self.idle_seconds
        )
        if row is not None:
            record = RefreshRecord.from_row(row)
            active = not (record.used or record.revoked or record.expired)
            info = {
                "token_type": "refresh_token",
                "client_id": record.client_id,
                "scope": record.scope,
                "sub": str(record.subject.account_id),
                "iss": self.issuer,
            }
            return LookedUpToken("refresh_token", record.client_id, active, info, family_id=record.family_id)
        try:
            claims = self.verifier.verify(token)
        except InvalidToken:
            return None
        revoked = await queries.access_token_revoked(connection, jti=claims["jti"])
        info = {
            key: claims[key]
            for key in ("scope", "client_id", "sub", "exp", "iat", "iss", "aud", "jti", "acr")
            if key in claims
        }
        info["token_type"] = "Bearer"  # noqa: S105 - the RFC 6750 token type, not a secret
        return LookedUpToken(
            "access_token",
            claims["client_id"],
            not revoked and claims["exp"] > time.time(),
            info,
            jti=claims["jti"],
            exp=int(claims["exp"]),
        )

    async def _token_endpoint(
        self, name: str, uri: str, headers: Mapping[str, str], form: Mapping[str, str]
    ) -> tuple[TokenLookupExchange, OAuthResult]:
        client_ids, _assertion = self._client_ids(headers, form)
        async with self.pool.acquire() as connection:
            exchange = TokenLookupExchange(clients=await self.load_clients(connection, client_ids))
            if isinstance(form.get("token"), str) and len(form["token"]) <= 8192:
                exchange.token = await self._lookup(connection, form["token"])
        request = ProviderRequest("POST", uri, headers, form)
        status, body, response_headers = self.run(exchange, self.server.endpoint_response, name, request)
        return exchange, OAuthResult(status, body, response_headers)

    async def revoke(
        self, uri: str, headers: Mapping[str, str], form: Mapping[str, str], address: str
    ) -> OAuthResult:
        exchange, result = await self._token_endpoint("revocation", uri, headers, form)
        token = exchange.revoked
        if result.status == 200 and token is not None:
            async with self.pool.acquire() as connection:
                if token.family_id is not None:
                    await self._revoke_family(connection, token.family_id, "revoked")
                elif token.jti is not None:
                    async with connection.transaction():
                        await queries.revoke_access_token(
                            connection, jti=token.jti, expires_at=dt.datetime.fromtimestamp(token.exp, dt.UTC)
                        )
                        await queries.notify_revocations(connection)
                    await self.revocations.refresh(connection)
                await accounts.audit(
                    connection, "token.revoked", client_id=token.client_id, address=address, kind=token.kind
                )
        return result

    async def introspect(self, uri: str, headers: Mapping[str, str], form: Mapping[str, str]) -> OAuthResult:
        return (await self._token_endpoint("introspection", uri, headers, form))[1]
