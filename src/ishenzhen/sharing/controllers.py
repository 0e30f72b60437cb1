"""HTTP only: ``GET /v1/me/data-access`` (every use of the signed-in citizen's or acting enterprise's data) and
``GET /v1/me/licences`` (their e-licence wallet)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

import asyncpg
from litestar import Controller, Request, get
from litestar.di import NamedDependency, Provide
from litestar.params import HeaderParameter, Parameter

from ishenzhen.errors import problem_spec
from ishenzhen.identity.guards import Principal, provide_principal, requires
from ishenzhen.lib.http import BEARER
from ishenzhen.sharing import service
from ishenzhen.sharing.schemas import DataAccessPage, LicenceWallet
from ishenzhen.ui.resolve import negotiate_locale

__all__ = ["DataAccessController", "LicenceWalletController"]

PageSize = Annotated[int, Parameter(ge=1, le=service.MAX_PAGE, description="entries per page (1–100)")]
Before = Annotated[int | None, Parameter(ge=1, le=2**53 - 1, description="next_before of the previous page")]
AcceptLanguage = Annotated[
    str | None,
    HeaderParameter(
        name="Accept-Language", required=False, max_length=512, description="zh-CN (default) or en"
    ),
]


class DataAccessController(Controller):
    path = "/v1/me/data-access"
    tags = ["sharing"]

    @get(
        "",
        summary="Every pull of your data (or your enterprise's, when acting for one), newest first",
        opt=requires("profile"),
        security=BEARER,
        dependencies={"principal": Provide(provide_principal, sync_to_thread=False)},
        responses={
            401: problem_spec("No valid access token (see WWW-Authenticate)"),
            403: problem_spec("The token lacks the profile scope"),
        },
    )
    async def data_access(
        self,
        db_pool: NamedDependency[asyncpg.Pool],
        principal: NamedDependency[Principal],
        page_size: PageSize = 50,
        before: Before = None,
        accept_language: AcceptLanguage = None,
    ) -> DataAccessPage:
        language = negotiate_locale(accept_language)
        async with db_pool.acquire() as connection:
            if principal.party is not None:
                return await service.data_access(
                    connection,
                    principal.party,
                    "enterprise",
                    language=language,
                    before=before,
                    page_size=page_size,
                )
            try:
                account = uuid.UUID(principal.sub)
            except ValueError:
                account = uuid.UUID(int=0)
            resident_id = await service.resident_id_of(connection, account)
            if resident_id is None:  # not verified by real name yet: no data of theirs can have been pulled
                return DataAccessPage(subject_kind="person", entries=[])
            return await service.data_access(
                connection, resident_id, "person", language=language, before=before, page_size=page_size
            )


class LicenceWalletController(Controller):
    path = "/v1/me/licences"
    tags = ["sharing"]

    @get(
        "",
        summary="Your e-licences (or your enterprise's, when acting for one) from the e-licence register",
        description="Each look-up is an explicit citizen action and appears in /v1/me/data-access. An agent "
        "(经办人) sees the enterprise's licences only if the enterprise granted it the licences scope.",
        opt=requires(service.WALLET_SCOPE),
        security=BEARER,
        dependencies={"principal": Provide(provide_principal, sync_to_thread=False)},
        responses={
            401: problem_spec("No valid access token (see WWW-Authenticate)"),
            403: problem_spec(
                "The token lacks the licences scope, is below L2, or its enterprise role ended"
            ),
            503: problem_spec("The e-licence register cannot be reached; the attempt is still logged"),
        },
    )
    async def licences(
        self,
        request: Request[Any, Any, Any],
        db_pool: NamedDependency[asyncpg.Pool],
        principal: NamedDependency[Principal],
        accept_language: AcceptLanguage = None,
    ) -> LicenceWallet:
        language = negotiate_locale(accept_language)
        async with db_pool.acquire() as connection:
            holder = await service.wallet_holder(connection, principal)
            if holder is None:  # not verified by real name: no register holds a licence of theirs
                return LicenceWallet(holder_kind="person", licences=[], access_log_id=0)
            return await service.licence_wallet(
                connection, request.app.state.platform, holder[0], holder[1], language=language
            )
