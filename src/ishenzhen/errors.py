"""Domain errors (no HTTP here) and the one map that renders every error as RFC 9457 problem+json.

Domains raise the ``DomainError`` subclasses; ``exception_handlers()`` turns them, litestar's own HTTP
exceptions and anything unexpected into ``Problem`` bodies. OAuth endpoints answer RFC 6749 bodies instead
and handle their errors themselves.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, ClassVar

import msgspec
import structlog
from litestar import Request, Response
from litestar.exceptions import (
    HTTPException,
    MethodNotAllowedException,
    NotFoundException,
    PermissionDeniedException,
    SerializationException,
    ValidationException,
)
from litestar.openapi import ResponseSpec
from litestar.status_codes import (
    HTTP_400_BAD_REQUEST,
    HTTP_401_UNAUTHORIZED,
    HTTP_403_FORBIDDEN,
    HTTP_404_NOT_FOUND,
    HTTP_405_METHOD_NOT_ALLOWED,
    HTTP_408_REQUEST_TIMEOUT,
    HTTP_409_CONFLICT,
    HTTP_412_PRECONDITION_FAILED,
    HTTP_413_REQUEST_ENTITY_TOO_LARGE,
    HTTP_415_UNSUPPORTED_MEDIA_TYPE,
    HTTP_422_UNPROCESSABLE_ENTITY,
    HTTP_428_PRECONDITION_REQUIRED,
    HTTP_429_TOO_MANY_REQUESTS,
    HTTP_500_INTERNAL_SERVER_ERROR,
    HTTP_503_SERVICE_UNAVAILABLE,
)

from ishenzhen.lib.edge import BodyReadTimeout, Refusal, describe
from ishenzhen.lib.structs import Struct

__all__ = [
    "MAX_LISTED_ERRORS",
    "PROBLEM_MEDIA_TYPE",
    "Conflict",
    "ContentTooLarge",
    "DomainError",
    "FieldError",
    "InvalidInput",
    "NotFound",
    "PermissionDenied",
    "PreconditionFailed",
    "PreconditionRequired",
    "Problem",
    "ServiceUnavailable",
    "Unauthenticated",
    "UnsupportedMediaType",
    "edge_problem",
    "exception_handlers",
    "problem_spec",
    "problem_type",
]

PROBLEM_MEDIA_TYPE = "application/problem+json"
# An answer lists at most this many problems and counts the rest: a body with 300,000 bad entries would
# otherwise answer tens of megabytes and spend more time listing than checking.
MAX_LISTED_ERRORS = 100
_TYPE_PREFIX = "urn:ishenzhen:problem:"

log = structlog.get_logger(__name__)


def problem_type(slug: str) -> str:
    return f"{_TYPE_PREFIX}{slug}"


def problem_spec(description: str) -> ResponseSpec:
    """How an endpoint documents one of its problem+json answers in the OpenAPI document."""
    return ResponseSpec(
        data_container=Problem,
        generate_examples=False,
        description=description,
        media_type=PROBLEM_MEDIA_TYPE,
    )


class FieldError(Struct, frozen=True):
    """One thing wrong with the request: where (a body field, query parameter or header) and why."""

    location: str
    name: str
    reason: str


class Problem(Struct, frozen=True, omit_defaults=True):
    """RFC 9457 problem details, with the request id and, for bad input, every field at fault."""

    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None
    request_id: str | None = None
    errors: Annotated[list[FieldError], msgspec.Meta(max_length=MAX_LISTED_ERRORS)] = msgspec.field(
        default_factory=list
    )
    # Present when there were more problems than ``errors`` lists.
    error_count: int | None = None
    retry_after: int | None = None


class DomainError(Exception):
    """Base for errors a domain raises; ``slug`` is the stable part of the problem ``type``."""

    slug: ClassVar[str] = "domain-error"
    title: ClassVar[str] = "请求无法完成 Request cannot be completed"

    def __init__(self, detail: str, *, errors: list[FieldError] | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or []


class NotFound(DomainError):
    slug = "not-found"
    title = "未找到 Not found"


class InvalidInput(DomainError):
    slug = "invalid-input"
    title = "输入有误 Invalid input"


class Conflict(DomainError):
    slug = "conflict"
    title = "状态冲突 Conflict"


class PreconditionFailed(DomainError):
    slug = "precondition-failed"
    title = "版本已变化 Precondition failed"


class PreconditionRequired(DomainError):
    """An edit without ``If-Match``: the server cannot tell which version the edit was based on."""

    slug = "precondition-required"
    title = "缺少版本条件 Precondition required"


class Unauthenticated(DomainError):
    """The presented credentials name no one (any more), e.g. a valid token whose account is gone."""

    slug = "unauthorized"
    title = "需要登录 Authentication required"
    # RFC 9110 §15.5.2: a 401 carries a challenge; RFC 6750's error code says the token is the problem.
    challenge: ClassVar[str] = 'Bearer error="invalid_token"'


class PermissionDenied(DomainError):
    slug = "forbidden"
    title = "无权操作 Forbidden"


class UnsupportedMediaType(DomainError):
    """Content that is not of a type the endpoint takes (judged by the content, not by its label)."""

    slug = "unsupported-media-type"
    title = "不支持的内容类型 Unsupported media type"


class ContentTooLarge(DomainError):
    slug = "body-too-large"
    title = "内容过大 Content too large"


class ServiceUnavailable(DomainError):
    slug = "service-unavailable"
    title = "服务暂不可用 Service unavailable"


_DOMAIN_STATUS: dict[type[DomainError], int] = {
    NotFound: HTTP_404_NOT_FOUND,
    InvalidInput: HTTP_422_UNPROCESSABLE_ENTITY,
    Conflict: HTTP_409_CONFLICT,
    PreconditionFailed: HTTP_412_PRECONDITION_FAILED,
    PreconditionRequired: HTTP_428_PRECONDITION_REQUIRED,
    PermissionDenied: HTTP_403_FORBIDDEN,
    Unauthenticated: HTTP_401_UNAUTHORIZED,
    UnsupportedMediaType: HTTP_415_UNSUPPORTED_MEDIA_TYPE,
    ContentTooLarge: HTTP_413_REQUEST_ENTITY_TOO_LARGE,
    ServiceUnavailable: HTTP_503_SERVICE_UNAVAILABLE,
}

# Stable slugs and titles for the HTTP errors the framework itself raises.
_HTTP_PROBLEMS: dict[int, tuple[str, str]] = {
    HTTP_400_BAD_REQUEST: ("bad-request", "请求格式有误 Bad request"),
    HTTP_401_UNAUTHORIZED: ("unauthorized", "需要登录 Authentication required"),
    HTTP_403_FORBIDDEN: ("forbidden", "无权操作 Forbidden"),
    HTTP_404_NOT_FOUND: ("not-found", "未找到 Not found"),
    HTTP_405_METHOD_NOT_ALLOWED: ("method-not-allowed", "不支持的请求方法 Method not allowed"),
    HTTP_408_REQUEST_TIMEOUT: ("body-timeout", "请求体接收超时 Request body timeout"),
    HTTP_409_CONFLICT: ("conflict", "状态冲突 Conflict"),
    HTTP_413_REQUEST_ENTITY_TOO_LARGE: ("body-too-large", "请求体过大 Request body too large"),
    HTTP_415_UNSUPPORTED_MEDIA_TYPE: ("unsupported-media-type", "不支持的内容类型 Unsupported media type"),
    HTTP_422_UNPROCESSABLE_ENTITY: ("invalid-input", "输入有误 Invalid input"),
    HTTP_429_TOO_MANY_REQUESTS: ("too-many-requests", "请求过于频繁 Too many requests"),
    HTTP_500_INTERNAL_SERVER_ERROR: ("internal-error", "服务器内部错误 Internal server error"),
    HTTP_503_SERVICE_UNAVAILABLE: ("service-unavailable", "服务暂不可用 Service unavailable"),
}


def _request_id(request: Request[Any, Any, Any]) -> str | None:
    return request.scope.get("state", {}).get("request_id")


def _respond(
    request: Request[Any, Any, Any],
    status: int,
    slug: str,
    title: str,
    detail: str,
    errors: list[FieldError] | None = None,
    headers: dict[str, str] | None = None,
) -> Response[Problem]:
    retry_after = headers.get("Retry-After") if headers else None
    errors = errors or []
    error_count = len(errors) if len(errors) > MAX_LISTED_ERRORS else None
    body = Problem(
        type=problem_type(slug),
        title=title,
        status=status,
        detail=detail,
        instance=request.url.path,
        request_id=_request_id(request),
        errors=errors[:MAX_LISTED_ERRORS],
        error_count=error_count,
        retry_after=int(retry_after) if retry_after and retry_after.isdigit() else None,
    )
    return Response(body, status_code=status, media_type=PROBLEM_MEDIA_TYPE, headers=headers)


def _domain_error_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Problem]:
    assert isinstance(exc, DomainError)
    status = next(code for cls, code in _DOMAIN_STATUS.items() if isinstance(exc, cls))
    if isinstance(exc, InvalidInput) and exc.errors and all(e.location != "body" for e in exc.errors):
        # A bad query parameter, header or path segment is a malformed request, as litestar reports it.
        slug, title = _HTTP_PROBLEMS[HTTP_400_BAD_REQUEST]
        return _respond(request, HTTP_400_BAD_REQUEST, slug, title, exc.detail, exc.errors)
    headers = {"WWW-Authenticate": exc.challenge} if isinstance(exc, Unauthenticated) else None
    return _respond(request, status, exc.slug, exc.title, exc.detail, exc.errors, headers)


def _validation_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Problem]:
    """Litestar reports bad parameters and bodies alike as 400; a body that parses but is wrong is 422."""
    assert isinstance(exc, ValidationException)
    extra = exc.extra if isinstance(exc.extra, list) else []
    errors = []
    for item in extra:
        if not isinstance(item, dict):
            continue
        location = str(getattr(item.get("source"), "value", item.get("source")) or "body")
        name = str(item.get("key") or "")
        errors.append(
            FieldError(
                location=location,
                name=name if location == "body" else _wire_name(request, name),
                reason=str(item.get("message") or "invalid value"),
            )
        )
    if [(e.location, e.name, e.reason) for e in errors] == [("body", "data", "'data'")]:
        # litestar's KeyError for a handler's body when none was sent.
        slug, title = _HTTP_PROBLEMS[HTTP_400_BAD_REQUEST]
        detail = "a request body is required"
        return _respond(request, HTTP_400_BAD_REQUEST, slug, title, detail, [FieldError("body", "", detail)])
    body_errors = [error for error in errors if error.location == "body"]
    listed = errors[:_ERRORS_IN_DETAIL]
    more = f"; and {len(errors) - len(listed)} more" if len(errors) > len(listed) else ""
    if errors and len(body_errors) == len(errors):
        status = HTTP_422_UNPROCESSABLE_ENTITY
        detail = "; ".join(f"{e.name or 'body'}: {e.reason}" for e in listed) + more
    elif errors:
        status = HTTP_400_BAD_REQUEST
        detail = "; ".join(f"{e.location} parameter {e.name!r}: {e.reason}" for e in listed) + more
    elif missing := _MISSING_PARAMETER.match(exc.detail or ""):
        status = HTTP_400_BAD_REQUEST
        location, name = missing[1].lower(), missing[2]
        detail = f"{location} parameter {name!r} is required"
        errors = [FieldError(location=location, name=name, reason="required")]
    else:
        status = HTTP_400_BAD_REQUEST
        detail = _describe_unparsable_body(exc.detail)
        errors = [FieldError(location="body", name="", reason=detail)]
    slug, title = _HTTP_PROBLEMS[status]
    return _respond(request, status, slug, title, detail, errors)


_ERRORS_IN_DETAIL = 10


def _wire_name(request: Request[Any, Any, Any], key: str) -> str:
    """The name a client sends (``If-None-Match``, ``from``), not the handler's Python identifier litestar
    reports (``if_none_match``, ``from_version``)."""
    try:
        parameter = request.route_handler.parsed_fn_signature.parameters.get(key)
    except (AttributeError, KeyError):
        return key
    definition = getattr(parameter, "kwarg_definition", None)
    return str(getattr(definition, "name", None) or key)


# litestar reports a missing parameter only in its message: "Missing required query parameter 'q' for path …".
_MISSING_PARAMETER = re.compile(r"Missing required (\w+) parameter '([^']+)'")


def _describe_unparsable_body(detail: str) -> str:
    if "decode" in detail.lower() or "json" in detail.lower() or "malformed" in detail.lower():
        return "request body is not valid JSON"
    return detail or "bad request"


def _caused_by_undecodable_body(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, msgspec.DecodeError | SerializationException):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _http_exception_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Problem]:
    assert isinstance(exc, HTTPException)
    status = exc.status_code
    slug, title = _HTTP_PROBLEMS.get(status, ("http-error", "请求无法完成 Request cannot be completed"))
    headers = dict(exc.headers or {})
    if isinstance(exc, NotFoundException):
        detail = f"no resource at {request.url.path}" if exc.detail in ("", "Not Found") else exc.detail
    elif isinstance(exc, MethodNotAllowedException):
        detail = f"{request.method} is not supported on {request.url.path}"
    elif isinstance(exc, PermissionDeniedException):
        detail = exc.detail or "forbidden"
    elif status == HTTP_400_BAD_REQUEST and _caused_by_undecodable_body(exc):
        detail = f"request body is not valid JSON ({exc.detail})"
        return _respond(
            request, status, slug, title, detail, [FieldError(location="body", name="", reason=detail)]
        )
    elif status == HTTP_413_REQUEST_ENTITY_TOO_LARGE:
        detail = "request body exceeds the size limit"
    elif status >= HTTP_500_INTERNAL_SERVER_ERROR:
        detail = "the server could not complete the request"
    else:
        detail = exc.detail
    return _respond(request, status, slug, title, detail, headers=headers or None)


def _body_timeout_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Problem]:
    slug, title = _HTTP_PROBLEMS[HTTP_408_REQUEST_TIMEOUT]
    detail = "no part of the request body arrived in time"
    return _respond(
        request,
        HTTP_408_REQUEST_TIMEOUT,
        slug,
        title,
        detail,
        [FieldError("body", "", detail)],
        headers={"Connection": "close"},
    )


_problem_encoder = msgspec.json.Encoder()
_PROBLEM_HEADERS = [(b"content-type", PROBLEM_MEDIA_TYPE.encode())]


def edge_problem(scope: Any, refusal: Refusal) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    """The problem+json answer to a request the edge checks refused (status, headers, body)."""
    slug, title = _HTTP_PROBLEMS[refusal.status]
    body = Problem(
        type=problem_type(slug),
        title=title,
        status=refusal.status,
        detail=describe(refusal),
        instance=scope["path"] if refusal.location != "path" else None,
        request_id=scope.get("state", {}).get("request_id"),
        errors=[FieldError(location=refusal.location, name=refusal.name, reason=refusal.reason)],
    )
    return refusal.status, list(_PROBLEM_HEADERS), _problem_encoder.encode(body)


def _unexpected_handler(request: Request[Any, Any, Any], exc: Exception) -> Response[Problem]:
    log.error(
        "request.unhandled_exception",
        method=request.method,
        path=request.url.path,
        request_id=_request_id(request),
        exc_info=exc,
    )
    slug, title = _HTTP_PROBLEMS[HTTP_500_INTERNAL_SERVER_ERROR]
    detail = "an unexpected error occurred; quote the request id when reporting it"
    return _respond(request, HTTP_500_INTERNAL_SERVER_ERROR, slug, title, detail)


def exception_handlers() -> dict[type[Exception] | int, Any]:
    return {
        DomainError: _domain_error_handler,
        BodyReadTimeout: _body_timeout_handler,
        ValidationException: _validation_handler,
        HTTPException: _http_exception_handler,
        Exception: _unexpected_handler,
    }
