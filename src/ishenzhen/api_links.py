"""OpenAPI links between operations: how a client (and schemathesis' stateful phase) walks real workflows.

The registry's draft → submit → approve (publish) → withdraw or roll back; a citizen's application → detail →
withdraw or supplements; the catalogue's list → item → guide → form → validate. Links are kept in one table
keyed by operation id, rather than on each handler, because a workflow crosses domains (a published registry
item is a catalogue item) and reads best as one picture; ``tests/test_openapi.py`` checks every link names a
real operation and real parameters.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from litestar.openapi.spec import Link, OpenAPIResponse, Operation

__all__ = ["LINKS", "with_links"]

# Runtime expressions (OpenAPI 3.1 §4.8.20.4) used below.
_ETAG = "$response.header.ETag"


# Parameters named with their location (OpenAPI 3.1 §4.8.20.1), as the target operation declares them.
_PARAMETERS = {
    "code": "path.code",
    "version": "path.version",
    "application_id": "path.application_id",
    "if_match": "header.If-Match",
}


def _link(operation_id: str, description: str, **parameters: str) -> Link:
    named = {_PARAMETERS[name]: value for name, value in parameters.items()}
    return Link(operation_id=operation_id, description=description, parameters=named)


def _draft_actions(code: str) -> dict[str, Link]:
    """What a department may do with the draft a response describes (its ETag is the draft's)."""
    return {
        "GetDraft": _link("V1RegistryItemsCodeDraftGetDraft", "Read the draft back", code=code),
        "EditDraft": _link("V1RegistryItemsCodeDraftEditDraft", "Edit it", code=code, if_match=_ETAG),
        "SubmitDraft": _link(
            "V1RegistryItemsCodeDraftSubmitSubmit", "Submit it for review", code=code, if_match=_ETAG
        ),
        "DiscardDraft": _link(
            "V1RegistryItemsCodeDraftDiscardDraft", "Discard it", code=code, if_match=_ETAG
        ),
    }


def _version_reads(code: str, version: str) -> dict[str, Link]:
    return {
        "GetVersion": _link(
            "V1RegistryItemsCodeVersionsGetVersion", "Read this version", code=code, version=version
        ),
        "ListVersions": _link("V1RegistryItemsCodeVersionsListVersions", "Every version", code=code),
    }


def _item_actions(code: str) -> dict[str, Link]:
    """What a department may do with a registry item (the item's ETag is read from GetItem)."""
    return {
        "GetItem": _link("V1RegistryItemsCodeGetItem", "The item's state", code=code),
        "History": _link("V1RegistryItemsCodeHistoryHistory", "Its audit history", code=code),
        "NewDraft": _link("V1RegistryItemsCodeDraftsCreateDraft", "Start the next draft", code=code),
    }


def _application_actions(application_id: str) -> dict[str, Link]:
    return {
        "Detail": _link(
            "V1ApplicationsApplicationIdDetail", "Follow the application", application_id=application_id
        ),
        "Withdraw": _link(
            "V1ApplicationsApplicationIdWithdrawWithdraw", "Withdraw it", application_id=application_id
        ),
        "Supplements": _link(
            "V1ApplicationsApplicationIdSupplementsSupplements",
            "Send the materials asked for",
            application_id=application_id,
        ),
    }


def _item_screens(code: str) -> dict[str, Link]:
    return {
        "ItemDetail": _link("V1CatalogItemsCodeItemDetail", "The item", code=code),
        "Guide": _link("V1AppItemsCodeGuideGuide", "Its guide screen", code=code),
        "Form": _link("V1AppItemsCodeFormForm", "Its application form", code=code),
    }


_FIRST_ITEM = "$response.body#/items/0/code"

# operation id → response status → links from that response.
LINKS: dict[str, dict[str, dict[str, Link]]] = {
    # Registry: draft → submit → approve (publishes, or schedules) → withdraw / roll back.
    "V1RegistryItemsCreateItem": {
        "201": {**_draft_actions("$response.body#/code"), **_item_actions("$response.body#/code")}
    },
    "V1RegistryItemsCodeDraftsCreateDraft": {"201": _draft_actions("$response.body#/code")},
    "V1RegistryItemsCodeDraftGetDraft": {"200": _draft_actions("$response.body#/code")},
    "V1RegistryItemsCodeDraftEditDraft": {"200": _draft_actions("$response.body#/code")},
    "V1RegistryItemsCodeDraftSubmitSubmit": {
        "200": {
            "Approve": _link(
                "V1RegistryItemsCodeVersionsApproveApprove",
                "Approve (publish) the submitted version",
                code="$response.body#/code",
                version="$response.body#/version",
                if_match=_ETAG,
            ),
            "Reject": _link(
                "V1RegistryItemsCodeVersionsRejectReject",
                "Reject it",
                code="$response.body#/code",
                version="$response.body#/version",
                if_match=_ETAG,
            ),
            **_version_reads("$response.body#/code", "$response.body#/version"),
        }
    },
    "V1RegistryItemsCodeVersionsApproveApprove": {
        "200": {
            **_version_reads("$response.body#/code", "$response.body#/version"),
            **_item_actions("$response.body#/code"),
            "Withdraw": _link(
                "V1RegistryItemsCodeWithdrawWithdraw",
                "Withdraw the published item",
                code="$response.body#/code",
            ),
            "CancelSchedule": _link(
                "V1RegistryItemsCodeScheduleCancelCancelSchedule",
                "Cancel a scheduled publication",
                code="$response.body#/code",
            ),
            "Published": _link(
                "V1CatalogItemsCodeItemDetail", "The item as citizens see it", code="$response.body#/code"
            ),
        }
    },
    "V1RegistryItemsCodeVersionsRejectReject": {
        "200": _version_reads("$response.body#/code", "$response.body#/version")
    },
    "V1RegistryItemsCodeGetItem": {
        "200": {
            "Rollback": _link(
                "V1RegistryItemsCodeRollbackRollback",
                "Roll back to an earlier version",
                code="$response.body#/code",
                if_match=_ETAG,
            ),
            "Withdraw": _link(
                "V1RegistryItemsCodeWithdrawWithdraw",
                "Withdraw it",
                code="$response.body#/code",
                if_match=_ETAG,
            ),
            "CancelSchedule": _link(
                "V1RegistryItemsCodeScheduleCancelCancelSchedule",
                "Cancel a scheduled change",
                code="$response.body#/code",
                if_match=_ETAG,
            ),
            "ListVersions": _link(
                "V1RegistryItemsCodeVersionsListVersions", "Every version", code="$response.body#/code"
            ),
        }
    },
    "V1RegistryItemsListItems": {
        "200": {
            **_item_actions(_FIRST_ITEM),
            "GetDraft": _link("V1RegistryItemsCodeDraftGetDraft", "The item's open draft", code=_FIRST_ITEM),
        }
    },
    "V1RegistryReviewQueueReviewQueue": {
        "200": _version_reads("$response.body#/entries/0/code", "$response.body#/entries/0/version")
    },
    # Handling: apply → detail → withdraw / supplements.
    "V1ApplicationsApply": {"202": _application_actions("$response.body#/id")},
    "V1ApplicationsApplicationIdDetail": {"200": _application_actions("$response.body#/id")},
    "V1ApplicationsListApplications": {"200": _application_actions("$response.body#/items/0/id")},
    # Catalogue: list or search → item → guide → form → validate.
    "V1CatalogItemsListItems": {"200": _item_screens(_FIRST_ITEM)},
    "V1CatalogItemsCodeItemDetail": {"200": _item_screens("$response.body#/code")},
    "V1AppItemsCodeFormForm": {
        "200": {
            "Validate": _link(
                "V1AppItemsCodeFormValidateValidate", "Check a filled form", code="$request.path.code"
            )
        }
    },
}


def _attach(responses: dict[str, Any] | None, links: dict[str, dict[str, Link]]) -> None:
    for status, by_name in links.items():
        response = (responses or {}).get(status)
        if isinstance(response, OpenAPIResponse):
            response.links = {**(response.links or {}), **by_name}


_linked: dict[type[Operation], type[Operation]] = {}


def with_links(operation_class: type[Operation]) -> type[Operation]:
    """``operation_class`` that also documents the links ``LINKS`` lists for its operation id."""
    if operation_class in _linked.values():
        return operation_class  # already linked (an app built twice from the same handlers)
    if operation_class in _linked:
        return _linked[operation_class]

    @dataclass
    class LinkedOperation(operation_class):  # type: ignore[valid-type,misc]
        def __post_init__(self) -> None:
            parent = getattr(super(), "__post_init__", None)
            if parent is not None:
                parent()
            _attach(self.responses, LINKS.get(self.operation_id or "", {}))

    LinkedOperation.__name__ = LinkedOperation.__qualname__ = f"Linked{operation_class.__name__}"
    _linked[operation_class] = LinkedOperation
    return LinkedOperation
