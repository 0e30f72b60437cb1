"""HTTP only: ``GET /v1/departments/{department}/queries/{name}``, a pass-through query for the caller."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get
from litestar.params import Parameter

from ishenzhen.departments.schemas import DepartmentError, DepartmentProblem, QueryResult
from ishenzhen.departments.service import run_query
from ishenzhen.departments.state import DepartmentsState
from ishenzhen.errors import PROBLEM_MEDIA_TYPE, problem_spec, problem_type
from ishenzhen.identity.guards import provide_principal, requires
from ishenzhen.lib.http import BEARER, JSON, response_spec

__all__ = ["DepartmentQueriesController", "provide_departments"]

_SLUG = r"^[a-z][a-z0-9-]{1,63}$"
_TITLES = {
    "gateway": "网关未能查询 The gateway could not ask the department",
    "link": "无法连接部门系统 The department could not be reached",
    "department": "部门系统返回错误 The department's system failed",
}
_MAX_SHOWN = 200


def provide_departments(request: Request[Any, Any, Any]) -> DepartmentsState:
    state: DepartmentsState = request.app.state.departments
    return state


def _safe_error(body: bytes) -> DepartmentError | None:
    """Only a department's short error code and message travel on; anything else stays in our logs."""
    try:
        decoded = msgspec.json.decode(body)
    except msgspec.DecodeError:
        return None
    if not isinstance(decoded, dict):
        return None
    error, message = decoded.get("error"), decoded.get("message") or decoded.get("detail")
    shown = DepartmentError(
        error=error[:64] if isinstance(error, str) else None,
        message=message[:_MAX_SHOWN] if isinstance(message, str) else None,
    )
    return shown if shown.error or shown.message else None


def _problem(
    request: Request[Any, Any, Any], department: str, result: QueryResult
) -> Response[DepartmentProblem]:
    source = result.error_source or "department"
    passed_through = source == "department" and 400 <= result.status < 500
    # A department's 4xx (a bad plate number, say) is the caller's to fix: keep its status. Anything else
    # that failed past our door is a bad gateway (or a gateway timeout when the link was too slow).
    status = (
        result.status if source == "gateway" or passed_through else (504 if result.status == 504 else 502)
    )
    headers = {"Cache-Control": "no-store"}
    retry_after = None
    if source == "gateway" and status == 503:
        retry_after = 1
        headers["Retry-After"] = "1"
    body = DepartmentProblem(
        type=problem_type(f"department-{source}"),
        title=_TITLES[source],
        status=status,
        detail=result.detail,
        error_source=source,
        department=department,
        instance=request.url.path,
        request_id=request.scope.get("state", {}).get("request_id"),
        department_status=result.status if source == "department" and result.status >= 400 else None,
        department_error=_safe_error(result.body) if source == "department" else None,
        retry_after=retry_after,
    )
    return Response(body, status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=headers)


class DepartmentQueriesController(Controller):
    path = "/v1/departments"
    tags = ["departments"]

    @get(
        "/{department:str}/queries/{name:str}",
        summary="Ask a department's system a read-only question for the signed-in caller",
        description=(
            "Allow-listed queries only (social insurance contributions, housing fund balance, vehicle "
            "violations, business registration status …), asked with the caller's identity and signed. "
            "Answers are the department's JSON; failures are problem+json whose `error_source` says whether "
            "the gateway, the link or the department failed."
        ),
        opt=requires("profile"),
        security=BEARER,
        responses={
            200: response_spec(dict[str, Any], "The department's answer, private to the caller"),
            400: problem_spec("A parameter this query does not take, or a value out of bounds"),
            401: problem_spec("No valid access token (see WWW-Authenticate)"),
            403: problem_spec("The token lacks the profile scope"),
            404: problem_spec("No such department system, or no such query there"),
            502: response_spec(DepartmentProblem, "The department failed (error_source)", PROBLEM_MEDIA_TYPE),
            503: response_spec(
                DepartmentProblem,
                "The gateway holds back: the department's circuit is open",
                PROBLEM_MEDIA_TYPE,
            ),
            504: response_spec(
                DepartmentProblem, "The department did not answer in time", PROBLEM_MEDIA_TYPE
            ),
        },
        media_type=JSON,
    )
    async def query(
        self,
        request: Request[Any, Any, Any],
        department: Annotated[str, Parameter(pattern=_SLUG, max_length=64)],
        name: Annotated[str, Parameter(pattern=_SLUG, max_length=64)],
    ) -> Response[Any]:
        # Read from the request rather than injected: litestar resolves two or more dependencies in an anyio
        # task group, a task per dependency per request (8 % of a pass-through query's samples, measured with
        # py-spy), for what are two attribute reads.
        principal = provide_principal(request)
        departments = provide_departments(request)
        params = {key: value for key, value in request.query_params.items()}
        result, seconds = await run_query(
            departments.client,
            departments.query_cache,
            department=department,
            name=name,
            params=params,
            user=principal.sub,
            party=principal.party or "self",
            traceparent=request.headers.get("traceparent"),
        )
        if result.error_source is not None or result.status >= 400:
            return _problem(request, department, result)
        cache_control = f"private, max-age={seconds}" if seconds else "no-store"
        headers = {"Cache-Control": cache_control, "Vary": "Authorization"}
        if result.from_cache:
            headers["Ishenzhen-Cache"] = "hit"
        return Response(result.body, status_code=result.status, media_type=JSON, headers=headers)
