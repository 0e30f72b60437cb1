"""Signing in as the app does: authorization code + PKCE through the server-rendered sign-in page.

GET /oauth/authorize shows the page (with a CSRF cookie and field), the form posts the mobile number and
password, an enterprise's people then choose the party they act for, and the redirect to the app's loopback
callback carries the code, exchanged with the verifier at /oauth/token. Tokens are kept and refreshed (refresh
tokens rotate: the old one is spent) as the app keeps them.

The accounts are the seeded development ones (``ishenzhen.identity.seed``): the server has no registration
endpoint, so a run cannot create its own, and many simulated citizens share the three demo accounts. The
provider limits sign-ins per address (30 a minute) and per account (10 a minute), and every simulated user
comes from 127.0.0.1, so sign-ins are paced below both limits (``SignInPace``): a user whose turn has not come
waits, as a citizen would wait for a slow page, and none is refused. Real citizens sign in rarely and refresh
often; the journeys do the same.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import re
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass
from html import unescape
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import parse_qs, urlsplit

from journeys.common import AppUser, Journey, json_body

__all__ = [
    "APP_CLIENT_ID",
    "CITIZENS",
    "SignInDeferred",
    "SignInFailed",
    "SignInPace",
    "SignedInJourney",
    "SignedInUser",
    "Tokens",
    "pace",
    "refresh",
    "sign_in",
]

APP_CLIENT_ID = "ishenzhen-app"
REDIRECT_URI = (
    "http://127.0.0.1/callback"  # the app's loopback redirect (RFC 8252), registered for the demo app
)
DEMO_PASSWORD = "ishenzhen-demo"  # noqa: S105 - the seeded development accounts' password
# The seeded demo citizens: (mobile, assurance level), in the order citizen users take them: two in three
# real-name verified, as most of the app's active users are. 13800000002 is the demo enterprise's agent,
# 13800000003 its legal representative; 13800000001 has not verified its real name (L1).
CITIZENS = (("13800000002", 2), ("13800000003", 3), ("13800000001", 1))
ENTERPRISE_CREDIT_CODE = "91440300MA5FDEMQ01"
# How long a user waits for a sign-in slot (as for a slow page) before going back to browsing.
PATIENCE_S = 5.0
CITIZEN_SCOPE = "openid profile phone offline_access applications:submit licences"
_HIDDEN = re.compile(r'<input type="?hidden"? name="?([a-z_]+)"? value="([^"]*)"')


class SignInFailed(Exception):
    """The flow did not end in tokens; the failing request has already been marked."""


class SignInDeferred(Exception):
    """No sign-in slot came within the user's patience: the user goes on browsing and tries again later."""


@dataclass(slots=True)
class Tokens:
    access: str
    refresh: str | None
    expires_at: float  # monotonic seconds

    def header(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.access}"}


class SignInPace:
    """At most ``per_minute`` sign-ins in any 60 s, and ``per_account`` per account, in this process.

    Kept below the provider's own limits, which count every worker's sign-ins from 127.0.0.1 together: the
    runner divides the budget by the number of Locust processes.
    """

    def __init__(self, per_minute: int = 24, per_account: int = 8) -> None:
        self.per_minute = per_minute
        self.per_account = per_account
        self._lock = threading.Lock()  # gevent patches threading: this serialises greenlets
        self._all: deque[float] = deque()
        self._by_account: dict[str, deque[float]] = {}
        self.deferred = 0

    def take_turn(self, account: str, patience_s: float) -> bool:
        """Wait up to ``patience_s`` for a sign-in slot; False (and counted as deferred) when none came."""
        deadline = time.monotonic() + patience_s
        while True:
            with self._lock:
                now = time.monotonic()
                mine = self._by_account.setdefault(account, deque())
                for window in (self._all, mine):
                    while window and now - window[0] >= 60:
                        window.popleft()
                if len(self._all) < self.per_minute and len(mine) < self.per_account:
                    self._all.append(now)
                    mine.append(now)
                    return True
                full_all = len(self._all) >= self.per_minute
                full_mine = len(mine) >= self.per_account
                wait = max(
                    60 - (now - self._all[0]) if full_all else 0, 60 - (now - mine[0]) if full_mine else 0
                )
                if now + wait > deadline:
                    self.deferred += 1
                    return False
            time.sleep(max(0.05, wait))  # gevent-patched: other users run meanwhile

    def defer(self) -> None:
        """Count a sign-in the provider refused for its allowance (429): deferred, like one never tried."""
        with self._lock:
            self.deferred += 1

    def take_deferred(self) -> int:
        """How many sign-ins were put off since the last call (for the run summary)."""
        with self._lock:
            count, self.deferred = self.deferred, 0
        return count


pace = SignInPace()


def _challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _hidden_fields(page: str) -> dict[str, str]:
    return {name: unescape(value) for name, value in _HIDDEN.findall(page)}


def _code_from(location: str, state: str) -> str | None:
    parts = urlsplit(location)
    if f"{parts.scheme}://{parts.netloc}{parts.path}" != REDIRECT_URI:
        return None
    query = parse_qs(parts.query)
    if query.get("state") != [state]:
        return None
    codes = query.get("code")
    return codes[0] if codes else None


def sign_in(client: Any, mobile: str, scope: str, party: str | None = None) -> Tokens:
    """Walk the sign-in page to tokens; ``party`` is the enterprise (credit code) to act for, if any."""
    if not pace.take_turn(mobile, PATIENCE_S):
        raise SignInDeferred
    verifier = secrets.token_urlsafe(48)
    state = secrets.token_urlsafe(12)
    params = {
        "response_type": "code",
        "client_id": APP_CLIENT_ID,
        "redirect_uri": REDIRECT_URI,
        "scope": scope,
        "state": state,
        "nonce": secrets.token_urlsafe(12),
        "code_challenge": _challenge(verifier),
        "code_challenge_method": "S256",
        "prompt": "login",
    }
    with client.get(
        "/oauth/authorize", params=params, name="/oauth/authorize (page)", catch_response=True
    ) as r:
        # Raising inside the block is safe only once the response is marked: Locust reports it on the way out.
        fields = _hidden_fields(r.text or "") if r.status_code == 200 else {}
        if r.status_code == 200 and "csrf" not in fields:
            r.failure("a sign-in page without its CSRF field")
    if "csrf" not in fields:
        raise SignInFailed
    form = {**fields, "action": "password", "mobile": mobile, "password": DEMO_PASSWORD}
    with client.post(
        "/oauth/authorize",
        data=form,
        allow_redirects=False,
        name="/oauth/authorize (password)",
        catch_response=True,
    ) as r:
        location = r.headers.get("location", "")
        page = r.text or ""
        if r.status_code == 302:
            r.success()
        elif r.status_code == 200 and party is not None and "name=action value=party" in page:
            r.success()  # the acting-party page: answered below
            location = ""
        elif r.status_code == 429:
            # The provider's per-address allowance, shared with whatever ran just before this process (the
            # capacity search's previous stage): the app says "try again later" and the user browses on.
            r.success()
            pace.defer()
            raise SignInDeferred
        else:
            r.failure(f"signing in answered {r.status_code}, not a redirect with a code")
            raise SignInFailed
    if not location:
        choice = {**_hidden_fields(page), "action": "party", "party": party or "self"}
        with client.post(
            "/oauth/authorize",
            data=choice,
            allow_redirects=False,
            name="/oauth/authorize (party)",
            catch_response=True,
        ) as r:
            location = r.headers.get("location", "")
            if r.status_code != 302:
                r.failure(f"choosing the party answered {r.status_code}, not a redirect with a code")
                raise SignInFailed
            r.success()
    code = _code_from(location, state)
    if code is None:
        raise SignInFailed(f"the redirect {location[:120]!r} carries no code for this state")
    exchange = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT_URI,
        "client_id": APP_CLIENT_ID,
        "code_verifier": verifier,
    }
    return _token_request(client, exchange, "/oauth/token (authorization_code)")


def refresh(client: Any, tokens: Tokens) -> Tokens:
    """A new access token for the refresh token (which is spent: the answer carries the next one)."""
    if tokens.refresh is None:
        raise SignInFailed("no refresh token to refresh with")
    form = {"grant_type": "refresh_token", "refresh_token": tokens.refresh, "client_id": APP_CLIENT_ID}
    return _token_request(client, form, "/oauth/token (refresh_token)")


def _token_request(client: Any, form: dict[str, str], name: str) -> Tokens:
    body: Any = None
    with client.post("/oauth/token", data=form, name=name, catch_response=True) as r:
        if r.status_code == 200:
            body = json_body(r)
            if not isinstance(body, dict) or not isinstance(body.get("access_token"), str):
                r.failure("a token answer without an access token")
                body = None
    if body is None:
        raise SignInFailed
    access, lifetime = body["access_token"], int(body.get("expires_in", 300))
    # Renewed at 80 % of its life, as the app does, so a request never goes out with an expired token.
    return Tokens(access, body.get("refresh_token"), time.monotonic() + 0.8 * lifetime)


_next_account = itertools.count()


class SignedInUser(AppUser):
    """A user with tokens: signs in on start, refreshes before expiry, signs in again if refreshing fails."""

    abstract = True
    scope: ClassVar[str] = CITIZEN_SCOPE
    mobile = ""
    party: str | None = None  # the enterprise the tokens act for

    def on_start(self) -> None:
        super().on_start()
        self.tokens: Tokens | None = None
        self.mobile, self.level = self.choose_account()
        self.authorization()

    def choose_account(self) -> tuple[str, int]:
        return CITIZENS[next(_next_account) % len(CITIZENS)]

    def authorization(self) -> dict[str, str] | None:
        """The Authorization header to send, refreshing or signing in first when needed; None if both failed
        (already counted as failures), in which case the journey gives up."""
        if self.tokens is not None and self.tokens.expires_at > time.monotonic():
            return self.tokens.header()
        walking, self.journey = self.journey, "SignIn"
        try:
            if self.tokens is not None and self.tokens.refresh:
                self.journey = "ResumeTheApp"
                try:
                    self.tokens = refresh(self.client, self.tokens)
                    return self.tokens.header()
                except SignInFailed:
                    self.journey = "SignIn"
            self.tokens = sign_in(self.client, self.mobile, self.scope, self.party)
            return self.tokens.header()
        except SignInDeferred:
            return None  # not a failure: every simulated user shares one address's sign-in allowance
        except SignInFailed:
            self.tokens = None
            return None
        finally:
            self.journey = walking


class SignedInJourney(Journey):
    """A journey that needs the user's tokens; it ends early when the user cannot get any."""

    if TYPE_CHECKING:  # only walked by signed-in users (Locust types ``user`` as any User)

        @property
        def user(self) -> SignedInUser: ...

    # The assurance level the journey's endpoints need (applications:submit needs L2, ``scopes.MIN_LEVEL``).
    min_level: ClassVar[int] = 0

    def refused_for_level(self, response: Any) -> bool:
        """True when the user is below ``min_level``: then the expected answer is the 403 that names the
        level (RFC 9470's ``insufficient_user_authentication``), after which the app offers verification."""
        if self.user.level >= self.min_level:
            return False
        challenge = response.headers.get("www-authenticate", "")
        if response.status_code == 403 and "insufficient_user_authentication" in challenge:
            response.success()
        else:
            response.failure(
                f"an L{self.user.level} token got {response.status_code} where L{self.min_level} is needed, "
                "not the 403 that names the level"
            )
        return True

    def headers(self) -> dict[str, str]:
        headers = self.user.authorization()
        if headers is None:
            self.finish()  # raises: the journey ends here
            return {}
        return headers
