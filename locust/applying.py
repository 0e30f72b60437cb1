"""The applying journey: a signed-in citizen (张伟, real-name verified) applies, retries with the same key,
follows the application and reads the inbox. Its token comes from the app's own sign-in flow (code + PKCE),
once per Locust process and renewed before it expires."""

from __future__ import annotations

import base64
import hashlib
import http.cookiejar
import json
import re
import secrets
import threading
import time
import urllib.error
import urllib.request
import uuid
from html import unescape
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from locust import SequentialTaskSet, task

__all__ = ["ApplyAndFollow"]

ITEM = "200410001000440300"  # 档案查询: handled online, for natural persons, no upload required
FORM = {"applicant_name": "张伟", "applicant_id_number": "440303198503120017", "contact_mobile": "13800000002",
        "promise": True}  # fmt: skip
NUMBER = re.compile(r"^SZ[0-9]{16}[0-9X]$")
_REDIRECT = "http://127.0.0.1/callback"
_lock = threading.Lock()
_tokens: dict[str, tuple[float, str]] = {}


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _sign_in(host: str) -> str:
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect()
    )
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    query = urlencode({
        "response_type": "code", "client_id": "ishenzhen-app", "redirect_uri": _REDIRECT,
        "scope": "openid profile applications:submit", "state": secrets.token_urlsafe(8),
        "code_challenge": challenge, "code_challenge_method": "S256",
    })  # fmt: skip
    with opener.open(f"{host}/oauth/authorize?{query}", timeout=10) as page:
        hidden = dict(
            re.findall(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)">', page.read().decode())
        )
    form = {**{k: unescape(v) for k, v in hidden.items()}, "action": "password", "mobile": "13800000002",
            "password": "ishenzhen-demo"}  # fmt: skip
    try:
        opener.open(f"{host}/oauth/authorize", data=urlencode(form).encode(), timeout=10)
        raise RuntimeError("sign-in did not redirect back to the app")
    except urllib.error.HTTPError as redirect:
        if redirect.code != 302:
            raise
        code = parse_qs(urlsplit(redirect.headers["Location"]).query)["code"][0]
    exchange = urlencode({"grant_type": "authorization_code", "code": code, "redirect_uri": _REDIRECT,
                          "client_id": "ishenzhen-app", "code_verifier": verifier}).encode()  # fmt: skip
    with opener.open(f"{host}/oauth/token", data=exchange, timeout=10) as response:
        return str(json.loads(response.read())["access_token"])


def citizen_token(host: str) -> str:
    with _lock:
        cached = _tokens.get(host)
        if cached is None or cached[0] < time.monotonic():
            # Access tokens live 300 s by default: renew with two minutes to spare.
            _tokens[host] = cached = (time.monotonic() + 180, _sign_in(host))
        return cached[1]


class ApplyAndFollow(SequentialTaskSet):
    """Apply (202 with a checkable number), send the same request again (the stored answer, not a second
    application), open it (its timeline starts with submitted), list mine, read the inbox; sometimes withdraw."""

    def on_start(self) -> None:
        self.auth = {"Authorization": f"Bearer {citizen_token(self.user.host)}"}
        self.key = str(uuid.uuid4())
        self.application: dict[str, Any] | None = None

    def _apply(self, name: str) -> Any:
        return self.client.post(
            "/v1/applications", json={"item_code": ITEM, "form": FORM}, name=name, catch_response=True,
            headers={**self.auth, "Idempotency-Key": self.key},
        )  # fmt: skip

    @task
    def apply(self) -> None:
        with self._apply("/v1/applications") as r:
            body = r.json() if r.status_code == 202 else None
            if body is None or not NUMBER.match(str(body.get("number"))):
                r.failure(f"expected 202 with an application number, got {r.status_code}: {r.text[:200]!r}")
                return
            self.application = body

    @task
    def apply_again(self) -> None:
        if self.application is None:
            return
        with self._apply("/v1/applications (same key)") as r:
            if r.status_code != 202 or r.headers.get("Idempotent-Replayed") != "true":
                r.failure(f"a repeat with the same key should replay the answer, got {r.status_code}")
            elif r.json().get("id") != self.application["id"]:
                r.failure("a repeat with the same key made a second application")

    @task
    def follow(self) -> None:
        if self.application is None:
            return
        with self.client.get(f"/v1/applications/{self.application['id']}", headers=self.auth,
                             name="/v1/applications/{id}", catch_response=True) as r:  # fmt: skip
            timeline = r.json().get("timeline") if r.status_code == 200 else None
            if not timeline or timeline[0].get("status") != "submitted":
                r.failure(f"an application without its first timeline row: {r.status_code}")
        with self.client.get("/v1/applications?limit=10", headers=self.auth, name="/v1/applications",
                             catch_response=True) as r:  # fmt: skip
            if r.status_code != 200 or not r.json().get("items"):
                r.failure("my applications list is empty right after applying")
        with self.client.get("/v1/me/messages?limit=10", headers=self.auth, name="/v1/me/messages",
                             catch_response=True) as r:  # fmt: skip
            if r.status_code != 200 or not r.json().get("items"):
                r.failure("no inbox message after applying")

    @task
    def maybe_withdraw(self) -> None:
        if self.application is not None and secrets.randbelow(4) == 0:
            with self.client.post(f"/v1/applications/{self.application['id']}/withdraw", json={},
                                  headers=self.auth, name="/v1/applications/{id}/withdraw",
                                  catch_response=True) as r:  # fmt: skip
                # The department may already have decided (the simulators move cases on): then 409 is right.
                if r.status_code not in (200, 409):
                    r.failure(f"withdraw: {r.status_code}")
                else:
                    r.success()
        self.interrupt(reschedule=False)
