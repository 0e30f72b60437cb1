"""HTTP only: applying (``/v1/applications``) and department callbacks (``/v1/department/...``)."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency, Provide
from litestar.exceptions import HTTPException
from litestar.openapi.spec import Example
from litestar.params import Body, HeaderParameter, PathParameter, QueryParameter

from ishenzhen.errors import ContentTooLarge, FieldError, InvalidInput, problem_spec
from ishenzhen.handling import metrics, service
from ishenzhen.handling.materials import MaterialStorage, PostgresStorage, prepare
from ishenzhen.handling.numbering import NUMBER_PATTERN, is_valid_number
from ishenzhen.handling.schemas import (
    ApplicationAccepted,
    ApplicationDetail,
    ApplicationPage,
    ApplicationRequest,
    DepartmentEvent,
    EventReceipt,
    MaterialRef,
    SupplementRequest,
    WithdrawRequest,
)
from ishenzhen.handling.states import Status
from ishenzhen.handling.submit_limit import SubmitLimit, SubmitLimited
from ishenzhen.identity.guards import Principal, provide_principal, requires
from ishenzhen.lib.http import BEARER, media_type_of, response_spec
from ishenzhen.screens.item_service import ItemScreens
from ishenzhen.ui.capabilities import HEADER, HEADER_PATTERN
from ishenzhen.ui.resolve import negotiate_locale

__all__ = [
    "HANDLING_CONTROLLERS",
    "ApplicationsController",
    "DepartmentEventsController",
    "DepartmentMaterialsController",
    "MaterialsController",
]

APPLY = requires("applications:submit")
UPDATE = requires("applications:update")
# A form of a few hundred fields and a few dozen material ids; anything far bigger is not an application.
MAX_APPLICATION_BYTES = 256 * 1024
_KEY_CHARS = frozenset(chr(c) for c in range(0x21, 0x7F))

IdempotencyKey = Annotated[
    str,
    HeaderParameter(
        name="Idempotency-Key",
        min_length=1,
        max_length=255,
        description="a fresh unique value (a UUID) per application; the same key with the same body "
        "returns the first answer for 24 hours",
    ),
]
RenderHeader = Annotated[
    str | None,
    HeaderParameter(
        name=HEADER,
        required=False,
        max_length=1024,
        description="the capabilities the form was rendered with (as sent to the form endpoint)",
        schema_extra={"pattern": HEADER_PATTERN},
    ),
]
_COMMON = {
    401: problem_spec("The Authorization header holds no valid access token"),
    403: problem_spec("The token lacks the scope, or its assurance level is too low for the item"),
}


def _screens(request: Request[Any, Any, Any]) -> ItemScreens:
    # The same per-app screens the form endpoint uses, so both validate against one adapted form.
    state = request.app.state
    screens = getattr(state, "item_screens", None)
    if screens is None or screens.store is not state.catalog:
        screens = ItemScreens(
            state.catalog, state.settings.screens.web_form_url, rule_sets=getattr(state, "rule_sets", None)
        )
        state.item_screens = screens
    return screens


def _submit_limit(request: Request[Any, Any, Any]) -> SubmitLimit:
    # One per app, over the app's shared store (so instances sharing a Valkey share the budget).
    state = request.app.state
    limit = getattr(state, "submit_limit", None)
    if limit is None or limit.store is not state.shared_store:
        handling = state.settings.handling
        limit = SubmitLimit(
            state.shared_store, rate_per_hour=handling.submit_rate_per_hour, burst=handling.submit_burst
        )
        state.submit_limit = limit
    return limit


def _check_key(key: str) -> str:
    if not set(key) <= _KEY_CHARS:
        raise InvalidInput(
            "Idempotency-Key holds printable ASCII only",
            errors=[
                FieldError(location="header", name="Idempotency-Key", reason="printable ASCII, no spaces")
            ],
        )
    return key


# Request-body examples for the document (tests/test_openapi.py validates each against its schema): the graduate
# intake item (应届毕业生接收), the item of ``ishenzhen.registry.examples``.
_APPLY_EXAMPLES = [
    Example(
        summary="应届毕业生接收：本人申请",
        value={
            "item_code": "070120001000440300",
            "item_version": 1,
            "acting_party": {"kind": "self"},
            "form": {
                "name": "李明",
                "id_number": "440304200001011234",
                "mobile": "13800000002",
                "school": "深圳大学",
                "education": "bachelor",
                "degree": "bachelor",
                "major": "计算机科学与技术",
                "graduation_date": "2026-06-30",
                "reception": "employer",
                "employer_name": "深圳市某科技有限公司",
            },
            "materials": [],
        },
    )
]
_SUPPLEMENT_EXAMPLES = [
    Example(
        summary="补交劳动合同",
        value={
            "materials": ["upl_0f1e2d3c4b5a69788796a5b4c3d2e1f0"],
            "note": "已补充上传与接收单位签订的劳动合同",
        },
    )
]
_WITHDRAW_EXAMPLES = [Example(summary="申请人撤回", value={"reason": "已在线下窗口办理，撤回网上申请"})]
_EVENT_EXAMPLES = [
    Example(
        summary="受理",
        value={
            "event_id": "3f2b8c1e-4d5a-4b6c-9e7f-0a1b2c3d4e5f",
            "sequence": 1,
            "status": "accepted",
            "occurred_at": "2026-12-03T09:15:00+08:00",
            "message": "您的申请已受理，我们将在承诺时限内办结",
            "receipt_number": "RS2026120300017",
        },
    ),
    Example(
        summary="需补正材料",
        value={
            "event_id": "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d",
            "sequence": 2,
            "status": "more_material_needed",
            "occurred_at": "2026-12-03T14:30:00+08:00",
            "message": "请补充上传与接收单位签订的劳动合同",
            "data": {"missing_materials": ["劳动合同"]},
        },
    ),
]


class ApplicationsController(Controller):
    path = "/v1/applications"
    tags = ("handling",)
    dependencies = {"principal": Provide(provide_principal, sync_to_thread=False)}

    @post(
        "",
        summary="Apply for an item (办件): 202 with the application number",
        status_code=202,
        opt=APPLY,
        security=BEARER,
        request_max_body_size=MAX_APPLICATION_BYTES,
        responses={
            202: response_spec(
                ApplicationAccepted, "Stored and queued for the department; Location names it"
            ),
            400: problem_spec("A header is missing or malformed (Idempotency-Key is required)"),
            **_COMMON,
            409: problem_spec("A request with this Idempotency-Key is in flight, or the item changed"),
            413: problem_spec("The body is too large"),
            422: problem_spec(
                "Every field at fault (JSON pointers, e-licence references re-checked with the "
                "register included), or the key was used for another body"
            ),
            503: problem_spec(
                "The e-licence register cannot confirm a referenced licence; nothing was stored "
                "(see Retry-After)"
            ),
            429: problem_spec("Too many new applications from this account or enterprise: see Retry-After"),
        },
    )
    async def apply(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        idempotency_key: IdempotencyKey,
        data: Annotated[
            ApplicationRequest,
            Body(description="item, acting party, form data, material ids", examples=_APPLY_EXAMPLES),
        ],
        render: RenderHeader = None,
    ) -> Response[ApplicationAccepted]:
        settings = request.app.state.settings
        try:
            submission = await service.submit(
                request.app.state.db_pool,
                _screens(request),
                principal,
                data,
                key=_check_key(idempotency_key),
                render=render,
                key_hours=settings.handling.idempotency_hours,
                rule_sets=getattr(request.app.state, "rule_sets", None),
                admit=_submit_limit(request).admit,
                platform=getattr(request.app.state, "platform", None),
            )
        except SubmitLimited as exc:
            raise HTTPException(
                status_code=429, detail=str(exc), headers={"Retry-After": str(exc.retry_after)}
            ) from exc
        if submission.instant and not submission.replayed:
            request.app.state.instant.kick(submission.accepted.id)
        headers = {"Location": f"/v1/applications/{submission.accepted.id}"}
        if submission.replayed:
            headers["Idempotent-Replayed"] = "true"
        return Response(submission.accepted, status_code=202, headers=headers)

    @get(
        "",
        summary="My applications and my enterprises', newest first",
        opt=APPLY,
        security=BEARER,
        responses={
            200: response_spec(ApplicationPage, "A page of applications"),
            400: problem_spec("A parameter is malformed"),
            **_COMMON,
        },
    )
    async def list_applications(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        status: Annotated[
            Status | None, QueryParameter(description="only applications in this status")
        ] = None,
        item_code: Annotated[str | None, QueryParameter(max_length=64)] = None,
        submitted_from: Annotated[
            dt.date | None, QueryParameter(description="submitted on or after (UTC date)")
        ] = None,
        submitted_before: Annotated[
            dt.date | None, QueryParameter(description="submitted before (UTC date)")
        ] = None,
        cursor: Annotated[
            str | None, QueryParameter(max_length=200, description="next_cursor of the last page")
        ] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=100)] = 20,
    ) -> ApplicationPage:
        return await service.applications_page(
            request.app.state.db_pool,
            _screens(request),
            principal,
            status=status,
            item_code=item_code,
            submitted_from=submitted_from,
            submitted_before=submitted_before,
            cursor=cursor,
            limit=limit,
        )

    @get(
        "/{application_id:uuid}",
        summary="One application with its status timeline",
        opt=APPLY,
        security=BEARER,
        responses={
            200: response_spec(ApplicationDetail, "The application"),
            **_COMMON,
            404: problem_spec("No application of yours has this id"),
        },
    )
    async def detail(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        application_id: Annotated[uuid.UUID, PathParameter()],
    ) -> ApplicationDetail:
        return await service.application_detail(
            request.app.state.db_pool,
            _screens(request),
            principal,
            application_id,
            # The decision's sentences in the reader's language: Chinese unless English ranks higher.
            language=negotiate_locale(request.headers.get("accept-language")),
            base_url=request.app.state.settings.effective_issuer,
        )

    @post(
        "/{application_id:uuid}/withdraw",
        summary="Withdraw an application before the decision",
        status_code=200,
        opt=APPLY,
        security=BEARER,
        responses={
            200: response_spec(ApplicationDetail, "Withdrawn; the department is told"),
            **_COMMON,
            404: problem_spec("No application of yours has this id"),
            409: problem_spec("The application can no longer be withdrawn"),
        },
    )
    async def withdraw(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        application_id: Annotated[uuid.UUID, PathParameter()],
        data: Annotated[
            WithdrawRequest | None, Body(description="an optional reason", examples=_WITHDRAW_EXAMPLES)
        ] = None,
    ) -> ApplicationDetail:
        return await service.withdraw(
            request.app.state.db_pool, _screens(request), principal, application_id, data or WithdrawRequest()
        )

    @post(
        "/{application_id:uuid}/supplements",
        summary="Supply the material the department asked for",
        status_code=200,
        opt=APPLY,
        security=BEARER,
        responses={
            200: response_spec(ApplicationDetail, "Back in review; the department is sent the material"),
            **_COMMON,
            404: problem_spec("No application of yours has this id"),
            409: problem_spec("The department has not asked for material"),
            422: problem_spec("A material id is not one of your uploads"),
        },
    )
    async def supplements(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        application_id: Annotated[uuid.UUID, PathParameter()],
        data: Annotated[
            SupplementRequest,
            Body(description="the uploads (POST /v1/materials) and a note", examples=_SUPPLEMENT_EXAMPLES),
        ],
    ) -> ApplicationDetail:
        return await service.supplement(
            request.app.state.db_pool, _screens(request), principal, application_id, data
        )


class DepartmentEventsController(Controller):
    path = "/v1/department/applications"
    tags = ("handling",)
    dependencies = {"principal": Provide(provide_principal, sync_to_thread=False)}

    @post(
        "/{number:str}/events",
        summary="A department's news about one of its applications",
        status_code=202,
        opt=UPDATE,
        security=BEARER,
        responses={
            202: response_spec(EventReceipt, "Recorded (applied, or waiting for earlier events)"),
            200: response_spec(EventReceipt, "This event id was recorded before: the same answer"),
            400: problem_spec("The number is not a valid application number"),
            **_COMMON,
            404: problem_spec("No application of this department has this number"),
            409: problem_spec("The state machine refuses the move, or the sequence is taken"),
            422: problem_spec("The event is malformed"),
        },
    )
    async def event(
        self,
        request: Request[Any, Any, Any],
        principal: NamedDependency[Principal],
        number: Annotated[
            str,
            PathParameter(
                max_length=19,
                description="the application number (办件编号)",
                schema_extra={"pattern": NUMBER_PATTERN},
            ),
        ],
        data: Annotated[
            DepartmentEvent,
            Body(description="event id, sequence, status, time, message", examples=_EVENT_EXAMPLES),
        ],
    ) -> Response[EventReceipt]:
        if not is_valid_number(number):
            raise InvalidInput(
                "not an application number (SZ, 16 digits and a check character)",
                errors=[FieldError(location="path", name="number", reason="format or check character wrong")],
            )
        department = str(principal.claims.get("department"))
        try:
            receipt, replayed = await service.apply_department_event(
                request.app.state.db_pool, _screens(request), principal, number, data
            )
        except Exception:
            metrics.CALLBACKS.labels(department, "refused").inc()
            raise
        metrics.CALLBACKS.labels(department, "replayed" if replayed else receipt.outcome).inc()
        return Response(receipt, status_code=200 if replayed else 202)


# The route's own ceiling; the configured limit (ISHENZHEN_HANDLING_MATERIAL_MAX_BYTES) is checked below it.
_UPLOAD_CEILING = 20 * 1024 * 1024
UploadName = Annotated[
    str, QueryParameter(min_length=1, max_length=200, description="the file's name as the citizen sees it")
]
UploadIdParam = Annotated[str, PathParameter(max_length=64, description="the upload id (upl_…)")]


def _storage(request: Request[Any, Any, Any]) -> MaterialStorage:
    storage = getattr(request.app.state, "material_storage", None)
    if storage is None:
        storage = PostgresStorage()
        request.app.state.material_storage = storage
    return storage


def _file(reference: MaterialRef, content: bytes) -> Response[bytes]:
    return Response(
        content,
        media_type=reference.media_type,
        headers={
            "Cache-Control": "private, no-store",
            "X-Content-Type-Options": "nosniff",
            "Content-Disposition": "attachment",
            "Digest": f"sha-256={reference.sha256}",
        },
    )


class MaterialsController(Controller):
    """Uploads: the body is the file itself (a photo or a PDF); its type is judged by its bytes."""

    path = "/v1/materials"
    tags = ("handling",)
    dependencies = {"principal": Provide(provide_principal, sync_to_thread=False)}

    @post(
        "",
        summary="Upload a photo or PDF of a document (the body is the file)",
        status_code=201,
        opt=APPLY,
        security=BEARER,
        request_max_body_size=_UPLOAD_CEILING,
        responses={
            201: response_spec(MaterialRef, "Stored; reference it by id from an application"),
            **_COMMON,
            413: problem_spec("Too large, too many pixels or too many pages"),
            415: problem_spec("Not a JPEG, PNG or PDF, or labelled as something it is not"),
            422: problem_spec("Empty, damaged or encrypted"),
        },
    )
    async def upload(
        self, request: Request[Any, Any, Any], principal: NamedDependency[Principal], name: UploadName
    ) -> Response[MaterialRef]:
        settings = request.app.state.settings
        content = await request.body()
        if len(content) > settings.handling.material_max_bytes:
            raise ContentTooLarge(f"uploads are at most {settings.handling.material_max_bytes} bytes")
        # Decoding and re-encoding a photo takes tens of milliseconds: off the event loop.
        prepared = await asyncio.to_thread(
            prepare, content, media_type_of(request), max_pages=settings.handling.material_max_pages
        )
        reference = await service.store_material(
            request.app.state.db_pool,
            _storage(request),
            principal,
            name.strip(),
            prepared,
            hours=settings.handling.material_hours,
        )
        return Response(reference, status_code=201, headers={"Location": f"/v1/materials/{reference.id}"})

    @get(
        "/{upload:str}",
        summary="One of my uploads",
        opt=APPLY,
        security=BEARER,
        media_type="application/octet-stream",
        responses={
            200: response_spec(None, "The file", media_type="application/octet-stream"),
            **_COMMON,
            404: problem_spec("No upload of yours has this id"),
        },
    )
    async def download(
        self, request: Request[Any, Any, Any], principal: NamedDependency[Principal], upload: UploadIdParam
    ) -> Response[bytes]:
        reference, content = await service.read_material(
            request.app.state.db_pool, _storage(request), upload, owner=principal.sub
        )
        return _file(reference, content)


class DepartmentMaterialsController(Controller):
    path = "/v1/department/materials"
    tags = ("handling",)
    dependencies = {"principal": Provide(provide_principal, sync_to_thread=False)}

    @get(
        "/{upload:str}",
        summary="A material of an application the calling department handles",
        opt=UPDATE,
        security=BEARER,
        media_type="application/octet-stream",
        responses={
            200: response_spec(None, "The file", media_type="application/octet-stream"),
            **_COMMON,
            404: problem_spec("No application of this department has this upload"),
        },
    )
    async def download(
        self, request: Request[Any, Any, Any], principal: NamedDependency[Principal], upload: UploadIdParam
    ) -> Response[bytes]:
        department = principal.claims.get("department")
        reference, content = await service.read_material(
            request.app.state.db_pool,
            _storage(request),
            upload,
            department=department if isinstance(department, str) else "",
        )
        return _file(reference, content)


HANDLING_CONTROLLERS = (
    ApplicationsController,
    DepartmentEventsController,
    MaterialsController,
    DepartmentMaterialsController,
)
