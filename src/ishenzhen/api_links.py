"""OpenAPI links between operations: how a client (and schemathesis' stateful phase) walks real workflows.

The registry's draft → submit → approve (publish) → withdraw or roll back; a citizen's application → detail →
withdraw or supplements, its materials and its result's verification; an enterprise's agent invitation →
accept or decline → the enterprise's agents; the inbox → mark read; the catalogue's list → item → guide → form →
validate. Links are kept in one table
keyed by operation id, rather than on each handler, because a workflow crosses domains (a published registry
item is a catalogue item) and reads best as one picture; ``tests/test_openapi.py`` checks every link names a
real operation and real parameters, and ``tests/fuzzing/test_links.py`` that every identifier a response
yields is linked to the operations on its resource.
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
    "upload": "path.upload",
    "result_id": "path.result_id",
    "credit_code": "path.credit_code",
    "agent_sub": "path.agent_sub",
    "invitation_id": "path.invitation_id",
    "outbox_id": "path.outbox_id",
    "if_match": "header.If-Match",
}


def _link(operation_id: str, description: str, request_body: Any = None, **parameters: str) -> Link:
    """A link to ``operation_id``; ``request_body`` is the target's body, runtime expressions in its values
    (schemathesis evaluates them nested, as ``{"ids": ["$response.body#/items/0/id"]}``)."""
    named = {_PARAMETERS[name]: value for name, value in parameters.items()}
    return Link(
        operation_id=operation_id,
        description=description,
        parameters=named or None,
        request_body=request_body,
    )


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
        "ListVersions": _link("V1RegistryItemsCodeVersionsListVersions", "Every version", code=code),
        "Diff": _link("V1RegistryItemsCodeDiffDiff", "What changed between two versions", code=code),
        "Rollback": _link(
            "V1RegistryItemsCodeRollbackRollback", "Roll back to an earlier version", code=code
        ),
        "Withdraw": _link("V1RegistryItemsCodeWithdrawWithdraw", "Withdraw the published item", code=code),
        "CancelSchedule": _link(
            "V1RegistryItemsCodeScheduleCancelCancelSchedule", "Cancel a scheduled change", code=code
        ),
    }


def _open_draft(code: str) -> dict[str, Link]:
    """The item's open draft, when it has one (without its ETag, which only the draft's own answers carry)."""
    return {
        "GetDraft": _link("V1RegistryItemsCodeDraftGetDraft", "The item's open draft", code=code),
        "EditDraft": _link("V1RegistryItemsCodeDraftEditDraft", "Edit it", code=code),
        "SubmitDraft": _link("V1RegistryItemsCodeDraftSubmitSubmit", "Submit it for review", code=code),
        "DiscardDraft": _link("V1RegistryItemsCodeDraftDiscardDraft", "Discard it", code=code),
    }


def _version_actions(version: str) -> dict[str, Link]:
    """A version listed under the item the request named: read it, approve or reject it if submitted."""
    code = "$request.path.code"
    return {
        "GetVersion": _link(
            "V1RegistryItemsCodeVersionsGetVersion", "Read this version", code=code, version=version
        ),
        "Approve": _link(
            "V1RegistryItemsCodeVersionsApproveApprove",
            "Approve it, if submitted",
            code=code,
            version=version,
        ),
        "Reject": _link(
            "V1RegistryItemsCodeVersionsRejectReject", "Reject it, if submitted", code=code, version=version
        ),
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


def _application_parts(application: str) -> dict[str, Link]:
    """What an application's detail (at JSON pointer ``application``) leads to: its files, its result, the
    enterprise it was made for."""
    return {
        "Material": _link(
            "V1MaterialsUploadDownload", "Download its first material", upload=f"{application}/materials/0/id"
        ),
        "VerifyResult": _link(
            "V1ResultsResultIdVerificationVerify",
            "Verify the result it was issued",
            result_id=f"{application}/decision/result_id",
        ),
        **_enterprise_agents(f"{application}/acting_party/credit_code"),
    }


def _enterprise_agents(credit_code: str) -> dict[str, Link]:
    return {
        "Agents": _link(
            "V1EnterprisesCreditCodeAgentsListAgents", "The enterprise's agents", credit_code=credit_code
        ),
        "InviteAgent": _link(
            "V1EnterprisesCreditCodeAgentsInvite", "Invite an agent for it", credit_code=credit_code
        ),
    }


def _invitation_answers(invitation_id: str) -> dict[str, Link]:
    return {
        "Accept": _link(
            "V1MeAgentInvitationsInvitationIdAcceptAccept",
            "Accept the invitation",
            invitation_id=invitation_id,
        ),
        "Decline": _link(
            "V1MeAgentInvitationsInvitationIdDeclineDecline", "Decline it", invitation_id=invitation_id
        ),
    }


def _item_screens(code: str) -> dict[str, Link]:
    return {
        "ItemDetail": _link("V1CatalogItemsCodeItemDetail", "The item", code=code),
        "Guide": _link("V1AppItemsCodeGuideGuide", "Its guide screen", code=code),
        "Form": _link("V1AppItemsCodeFormForm", "Its application form", code=code),
    }


_FIRST_ITEM = "$response.body#/items/0/code"
_BODY = "$response.body#"

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
            **_item_actions("$response.body#/code"),
            **_version_reads("$response.body#/code", "$response.body#/version"),
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
    "V1RegistryItemsListItems": {"200": {**_item_actions(_FIRST_ITEM), **_open_draft(_FIRST_ITEM)}},
    "V1RegistryItemsCodeVersionsListVersions": {"200": _version_actions("$response.body#/0/version")},
    "V1RegistryReviewQueueReviewQueue": {
        "200": _version_reads("$response.body#/entries/0/code", "$response.body#/entries/0/version")
    },
    # Handling: apply → detail → withdraw / supplements.
    "V1ApplicationsApply": {"202": _application_actions("$response.body#/id")},
    "V1ApplicationsApplicationIdDetail": {
        "200": {**_application_actions("$response.body#/id"), **_application_parts(_BODY)}
    },
    "V1ApplicationsApplicationIdWithdrawWithdraw": {"200": _application_parts(_BODY)},
    "V1ApplicationsApplicationIdSupplementsSupplements": {
        "200": {**_application_actions("$response.body#/id"), **_application_parts(_BODY)}
    },
    "V1ApplicationsListApplications": {"200": _application_actions("$response.body#/items/0/id")},
    "V1MaterialsUpload": {
        "201": {
            "Download": _link("V1MaterialsUploadDownload", "Read the file back", upload="$response.body#/id")
        }
    },
    # The citizen's own records lead back to the application each is about.
    "V1MeDataAccessDataAccess": {"200": _application_actions("$response.body#/entries/0/application_id")},
    "V1MeResultsHeld": {
        "200": {
            **_application_actions("$response.body#/results/0/application_id"),
            "Verify": _link(
                "V1ResultsResultIdVerificationVerify",
                "Verify the result",
                result_id="$response.body#/results/0/id",
            ),
        }
    },
    # Inbox: a message → its application, or marked read (the target takes the ids in its body).
    "V1MeMessagesMessages": {
        "200": {
            **_application_actions("$response.body#/items/0/application_id"),
            "MarkRead": _link(
                "V1MeMessagesReadMarkRead",
                "Mark the first message read",
                request_body={"ids": ["$response.body#/items/0/id"]},
            ),
        }
    },
    # Enterprise agents: invite → the invited citizen accepts or declines → the enterprise's agents → revoke.
    "V1EnterprisesCreditCodeAgentsInvite": {"202": _invitation_answers("$response.body#/invitation_id")},
    "V1MeAgentInvitationsPending": {
        "200": {
            **_invitation_answers("$response.body#/0/invitation_id"),
            **_enterprise_agents("$response.body#/0/credit_code"),
        }
    },
    "V1MeAgentInvitationsInvitationIdAcceptAccept": {
        "200": _enterprise_agents("$response.body#/credit_code")
    },
    "V1MeMe": {"200": _enterprise_agents("$response.body#/parties/0/credit_code")},
    "V1EnterprisesCreditCodeAgentsListAgents": {
        "200": {
            "Revoke": _link(
                "V1EnterprisesCreditCodeAgentsAgentSubRevoke",
                "Revoke the first agent's grant",
                credit_code="$request.path.credit_code",
                agent_sub="$response.body#/0/agent_sub",
            )
        }
    },
    # Operations: a dead letter → requeued.
    "V1OpsDeadLettersListDeadLetters": {
        "200": {
            "Requeue": _link(
                "V1OpsDeadLettersOutboxIdRequeueRequeue",
                "Requeue the first dead letter",
                outbox_id="$response.body#/items/0/id",
            )
        }
    },
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
