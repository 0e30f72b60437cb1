"""``GET /v1/departments/{department}/queries/{name}``: answers, per-user caching, provenance, bad input."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from litestar import Litestar
from litestar.testing import AsyncTestClient

from tests.identity.conftest import L1, L2, app_tokens
from tests.simulators_fixture import Simulators

Client = AsyncTestClient[Litestar]
SOCIAL = "/v1/departments/human-resources/queries/social-insurance-contributions"


async def bearer(client: Client, oauth_client: Callable, mobile: str = L1) -> dict[str, str]:  # type: ignore[type-arg]
    tokens = await app_tokens(client, oauth_client, mobile=mobile)
    return {"Authorization": f"Bearer {tokens['access_token']}"}


async def test_a_query_answers_with_the_departments_data_private_to_the_caller(
    client: Client,
    oauth_client: Callable,
    simulators: Simulators,  # type: ignore[type-arg]
) -> None:
    headers = await bearer(client, oauth_client)
    answer = await client.get(SOCIAL, params={"months": "3"}, headers=headers)
    assert answer.status_code == 200, answer.text
    assert len(answer.json()["records"]) == 3
    assert answer.headers["cache-control"] == "private, max-age=300"
    again = await client.get(SOCIAL, params={"months": "3"}, headers=headers)
    assert again.json() == answer.json() and again.headers.get("ishenzhen-cache") == "hit"
    report = await simulators.report("human-resources")
    assert report["counters"]["queries"] == 1


async def test_another_user_never_gets_the_first_users_cached_answer(
    client: Client,
    oauth_client: Callable,
    simulators: Simulators,  # type: ignore[type-arg]
) -> None:
    first = await client.get(SOCIAL, headers=await bearer(client, oauth_client, L1))
    client.cookies.clear()  # sign in afresh as someone else
    second = await client.get(SOCIAL, headers=await bearer(client, oauth_client, L2))
    assert first.status_code == second.status_code == 200
    assert "ishenzhen-cache" not in second.headers
    assert first.json() != second.json()  # each person's own contributions
    assert (await simulators.report("human-resources"))["counters"]["queries"] == 2


async def test_no_store_answers_are_asked_afresh(
    client: Client,
    oauth_client: Callable,
    simulators: Simulators,  # type: ignore[type-arg]
) -> None:
    headers = await bearer(client, oauth_client)
    path = "/v1/departments/traffic-police/queries/vehicle-violations"
    for _ in range(2):
        answer = await client.get(path, params={"plate": "粤B12345"}, headers=headers)
        assert answer.status_code == 200 and answer.headers["cache-control"] == "no-store"
    assert (await simulators.report("traffic-police"))["counters"]["queries"] == 2


async def test_a_cookie_a_department_sets_never_travels_with_anyone_s_next_request(
    client: Client,
    oauth_client: Callable,
    simulators: Simulators,  # type: ignore[type-arg]
) -> None:
    # One client per department serves every citizen: a session cookie kept from one answer would carry the
    # first caller's session into the next caller's request.
    await simulators.knobs("traffic-police", set_cookie="JSESSIONID=first-callers-session; Path=/")
    path = "/v1/departments/traffic-police/queries/vehicle-violations"
    for mobile in (L1, L2, L1):
        headers = await bearer(client, oauth_client, mobile)
        answer = await client.get(path, params={"plate": "粤B12345"}, headers=headers)
        assert answer.status_code == 200, answer.text
        assert "set-cookie" not in answer.headers
    report = await simulators.report("traffic-police")
    assert report["counters"]["queries"] == 3
    assert report["counters"]["with_cookie"] == 0


async def test_the_departments_own_refusal_is_passed_on_safely(
    client: Client,
    oauth_client: Callable,  # type: ignore[type-arg]
) -> None:
    path = "/v1/departments/market-regulation/queries/business-registration-status"
    answer = await client.get(
        path, params={"credit_code": "short"}, headers=await bearer(client, oauth_client)
    )
    assert answer.status_code == 400
    problem = answer.json()
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert problem["error_source"] == "department" and problem["department_status"] == 400
    assert problem["department_error"] == {
        "error": "invalid_credit_code",
        "message": "统一社会信用代码应为18位",
    }


@pytest.mark.parametrize(
    ("knobs", "status", "source"),
    [
        ({"down": True}, 502, "link"),
        ({"slow_seconds": 12.0}, 504, "link"),
        ({"garbage": True}, 502, "department"),
        ({"error_rate": 1.0, "error_status": 500}, 502, "department"),
        ({"redirect_to": "http://127.0.0.1:9/"}, 502, "department"),
        ({"bad_response_signature": True}, 502, "department"),
    ],
    ids=["down", "slow", "garbage", "500", "redirect", "bad-signature"],
)
async def test_failures_say_who_failed(
    client: Client,
    oauth_client: Callable,
    simulators: Simulators,
    knobs: dict,
    status: int,
    source: str,  # type: ignore[type-arg]
) -> None:
    headers = await bearer(client, oauth_client)
    await simulators.knobs("housing-provident-fund", **knobs)
    answer = await client.get(
        "/v1/departments/housing-provident-fund/queries/housing-fund-balance", headers=headers
    )
    assert answer.status_code == status, answer.text
    problem = answer.json()
    assert problem["error_source"] == source and problem["department"] == "housing-provident-fund"
    assert problem["type"] == f"urn:ishenzhen:problem:department-{source}"
    assert "padding" not in answer.text and "Bad Gateway</body>" not in answer.text


async def test_an_open_circuit_answers_at_once_from_the_gateway(
    client: Client,
    oauth_client: Callable,
    simulators: Simulators,  # type: ignore[type-arg]
) -> None:
    headers = await bearer(client, oauth_client)
    await simulators.knobs("housing-provident-fund", down=True)
    path = "/v1/departments/housing-provident-fund/queries/housing-fund-balance"
    statuses = [(await client.get(path, headers=headers)).status_code for _ in range(6)]
    assert statuses[:5] == [502] * 5
    held = await client.get(path, headers=headers)
    assert held.status_code == 503 and held.json()["error_source"] == "gateway"
    assert held.headers["retry-after"] == "1"


@pytest.mark.parametrize(
    ("path", "params", "status"),
    [
        ("/v1/departments/human-resources/queries/not-allow-listed", {}, 404),
        ("/v1/departments/no-such-department/queries/xy", {}, 404),
        ("/v1/departments/Human_Resources/queries/social-insurance-contributions", {}, 400),
        ("/v1/departments/human-resources/queries/social-insurance-contributions", {"evil": "1"}, 400),
        ("/v1/departments/human-resources/queries/social-insurance-contributions", {"months": "9" * 65}, 400),
        ("/v1/departments/human-resources/queries/social-insurance-contributions", {"months": "\x00"}, 400),
        ("/v1/departments/" + "a" * 65 + "/queries/x", {}, 400),
    ],
)
async def test_bad_input_is_a_clear_problem(
    client: Client,
    oauth_client: Callable,
    path: str,
    params: dict,
    status: int,  # type: ignore[type-arg]
) -> None:
    answer = await client.get(path, params=params, headers=await bearer(client, oauth_client))
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert answer.json()["detail"]


async def test_a_query_needs_a_bearer_token(client: Client) -> None:
    answer = await client.get(SOCIAL)
    assert answer.status_code == 401


_tokens: dict[int, dict[str, str]] = {}
_segment = st.text(min_size=1, max_size=80).filter(lambda s: "/" not in s and s not in (".", ".."))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    department=st.sampled_from(
        ["human-resources", "traffic-police", "market-regulation", "housing-provident-fund"]
    )
    | _segment,
    name=st.sampled_from(
        ["social-insurance-contributions", "vehicle-violations", "business-registration-status"]
    )
    | _segment,
    key=st.sampled_from(["months", "plate", "credit_code"]) | st.text(max_size=20),
    value=st.text(max_size=100),
)
async def test_hostile_paths_and_parameters_never_reach_a_500(
    client: Client,
    oauth_client: Callable,
    simulators: Simulators,  # type: ignore[type-arg]
    department: str,
    name: str,
    key: str,
    value: str,
) -> None:
    from urllib.parse import quote

    # One sign-in for all examples: the client (and its app) lives for the whole test.
    if id(client) not in _tokens:
        _tokens[id(client)] = await bearer(client, oauth_client)
    path = f"/v1/departments/{quote(department, safe='')}/queries/{quote(name, safe='')}"
    answer = await client.get(path, params={key: value} if key else {}, headers=_tokens[id(client)])
    assert answer.status_code in (200, 400, 404), answer.text
    if answer.status_code != 200:
        assert answer.headers["content-type"].startswith("application/problem+json")


def test_the_query_cache_keeps_to_its_byte_budget() -> None:
    from ishenzhen.departments.schemas import QueryResult
    from ishenzhen.departments.service import QueryCache

    cache = QueryCache(max_entries=100, max_bytes=16_000)
    for index in range(20):
        body = b"x" * 900
        cache.put(
            ("user", str(index)),
            QueryResult(status=200, body=body, cache_control=None, error_source=None, detail=""),
            60,
        )
        assert cache.size_bytes <= 16_000
    assert cache.get(("user", "0")) is None and cache.get(("user", "19")) is not None
    huge = QueryResult(status=200, body=b"x" * 2000, cache_control=None, error_source=None, detail="")
    cache.put(("user", "huge"), huge, 60)
    assert cache.get(("user", "huge")) is None
