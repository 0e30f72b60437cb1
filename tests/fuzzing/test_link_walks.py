"""The document's links followed by hand with live answers: each leads where it says, with the values its runtime
expressions pick. The stateful walk (test_stateful.py) follows links at random; these are the workflows that must
work whatever the walk picks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx

from tests.fuzzing.conftest import Client, Headers, caller_for

DOCUMENT = json.loads((Path(__file__).parents[2] / "openapi" / "openapi.json").read_text(encoding="utf-8"))
OPERATIONS = {
    operation["operationId"]: (method.upper(), path, operation)
    for path, item in DOCUMENT["paths"].items()
    for method, operation in item.items()
}


def _evaluate(expression: Any, answer: httpx.Response, asked: dict[str, str]) -> Any:
    """A runtime expression (OpenAPI 3.1 §4.8.20.4) of the kinds our links use, nested values included."""
    if isinstance(expression, dict):
        return {key: _evaluate(value, answer, asked) for key, value in expression.items()}
    if isinstance(expression, list):
        return [_evaluate(value, answer, asked) for value in expression]
    if expression.startswith("$request.path."):
        return asked[expression.removeprefix("$request.path.")]
    if expression.startswith("$response.header."):
        return answer.headers[expression.removeprefix("$response.header.")]
    value: Any = answer.json()
    for part in expression.removeprefix("$response.body#").strip("/").split("/"):
        value = value[int(part)] if isinstance(value, list) else value[part]
    return value


async def follow(
    client: Client,
    tokens: dict[str, Headers],
    source: str,
    status: int,
    answer: httpx.Response,
    name: str,
    asked: dict[str, str] | None = None,
) -> httpx.Response:
    """Call the target of ``source``'s link ``name`` from ``answer``, as the target's real caller, with the body
    the link gives or else the target's documented example."""
    assert answer.status_code == status, answer.text
    link = OPERATIONS[source][2]["responses"][str(status)]["links"][name]
    method, path, _ = OPERATIONS[link["operationId"]]
    headers = dict(caller_for(path, tokens))
    for parameter, expression in link.get("parameters", {}).items():
        location, key = parameter.split(".", 1)
        value = str(_evaluate(expression, answer, asked or {}))
        if location == "path":
            path = path.replace(f"{{{key}}}", value)
        else:
            headers[key] = value
    if "requestBody" in link:
        body = _evaluate(link["requestBody"], answer, asked or {})
    else:
        body = first_example(link["operationId"])
    return await client.request(method, path, headers=headers, json=body)


def first_example(operation_id: str) -> Any:
    """The first example of the operation's JSON body (what the live app is to accept), ``None`` without a body."""
    content = OPERATIONS[operation_id][2].get("requestBody", {}).get("content", {}).get("application/json")
    if content is None:
        return None
    named = [example["value"] for example in content.get("examples", {}).values()]
    examples = named + content["schema"].get("examples", [])
    assert examples, f"{operation_id} takes a body and documents no example of it"
    return examples[0]


async def test_the_registry_list_leads_to_the_seeded_draft(
    client: Client, tokens: dict[str, Headers], workflows_started: None
) -> None:
    listed = await client.get("/v1/registry/items", headers=tokens["registry"])
    draft = await follow(client, tokens, "V1RegistryItemsListItems", 200, listed, "GetDraft")
    assert draft.status_code == 200, draft.text
    submitted = await follow(
        client,
        tokens,
        "V1RegistryItemsCodeDraftGetDraft",
        200,
        draft,
        "SubmitDraft",
        {"code": draft.json()["code"]},
    )
    assert submitted.status_code == 200, submitted.text


async def test_the_citizens_application_is_followed_from_the_list_and_the_inbox_marked_read(
    client: Client, tokens: dict[str, Headers], workflows_started: None
) -> None:
    listed = await client.get("/v1/applications", headers=tokens["citizen"])
    detail = await follow(client, tokens, "V1ApplicationsListApplications", 200, listed, "Detail")
    assert detail.status_code == 200, detail.text
    withdrawn = await follow(
        client,
        tokens,
        "V1ApplicationsApplicationIdDetail",
        200,
        detail,
        "Withdraw",
        {"application_id": detail.json()["id"]},
    )
    assert withdrawn.status_code == 200, withdrawn.text
    inbox = await client.get("/v1/me/messages", headers=tokens["citizen"])
    assert inbox.json()["items"], "applying and withdrawing left no message in the inbox"
    marked = await follow(client, tokens, "V1MeMessagesMessages", 200, inbox, "MarkRead")
    assert marked.status_code == 200, marked.text
    after = await client.get("/v1/me/messages", headers=tokens["citizen"])
    assert after.json()["unread"] == inbox.json()["unread"] - 1
