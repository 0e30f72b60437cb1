"""The committed document's OpenAPI links: each names a real operation and parameters it declares, and every
identifier a response yields is linked to the operations that take it (``identifier_pairs``)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.fuzzing.identifier_pairs import identifier_pairs

DOCUMENT = json.loads((Path(__file__).parents[2] / "openapi" / "openapi.json").read_text(encoding="utf-8"))


def test_every_link_targets_a_real_operation_and_its_declared_parameters() -> None:
    operations = {
        operation["operationId"]: operation
        for item in DOCUMENT["paths"].values()
        for operation in item.values()
    }
    links = [
        (source["operationId"], status, name, link)
        for item in DOCUMENT["paths"].values()
        for source in item.values()
        for status, response in source["responses"].items()
        for name, link in response.get("links", {}).items()
    ]
    assert len(links) >= 40, "the workflows lost their links"
    broken = []
    for source, status, name, link in links:
        target = operations.get(link["operationId"])
        if target is None:
            broken.append(f"{source} {status} {name}: no operation {link['operationId']}")
            continue
        declared = {f"{p['in']}.{p['name']}" for p in target.get("parameters", [])}
        broken += [
            f"{source} {status} {name}: {link['operationId']} takes no {parameter}"
            for parameter in link.get("parameters", {})
            if parameter not in declared
        ]
    assert broken == []


def test_the_named_workflows_are_linked_end_to_end() -> None:
    def targets(operation_id: str, status: str) -> set[str]:
        for item in DOCUMENT["paths"].values():
            for operation in item.values():
                if operation["operationId"] == operation_id:
                    links = operation["responses"][status].get("links", {})
                    return {link["operationId"] for link in links.values()}
        raise AssertionError(operation_id)

    assert "V1RegistryItemsCodeDraftSubmitSubmit" in targets("V1RegistryItemsCreateItem", "201")
    assert "V1RegistryItemsCodeVersionsApproveApprove" in targets(
        "V1RegistryItemsCodeDraftSubmitSubmit", "200"
    )
    assert "V1CatalogItemsCodeItemDetail" in targets("V1RegistryItemsCodeVersionsApproveApprove", "200")
    assert {
        "V1ApplicationsApplicationIdDetail",
        "V1ApplicationsApplicationIdWithdrawWithdraw",
        "V1ApplicationsApplicationIdSupplementsSupplements",
    } <= targets("V1ApplicationsApply", "202")
    assert "V1CatalogItemsCodeItemDetail" in targets("V1CatalogItemsListItems", "200")
    assert "V1AppItemsCodeFormValidateValidate" in targets("V1AppItemsCodeFormForm", "200")


def test_every_identifier_a_response_yields_is_linked_to_the_operations_on_its_resource() -> None:
    pairs = identifier_pairs(DOCUMENT)
    linked = sum(pair.linked for pair in pairs)
    # The figure QA tracks; pytest shows it with -s or -rP.
    print(f"link coverage: {linked} of {len(pairs)} identifier pairs ({linked / len(pairs):.0%})")
    assert len(pairs) >= 70, "the pairs' reading of the document lost most of them"
    unlinked = [
        f"{pair.source} {pair.status} → {pair.target} (from {pair.values})"
        for pair in pairs
        if not pair.linked
    ]
    assert unlinked == [], "add these links to ishenzhen/api_links.py, or a namesake to identifier_pairs.py"


def test_the_pairs_are_read_by_resource_not_by_name_alone() -> None:
    pairs = {(pair.source, pair.target): pair.values for pair in identifier_pairs(DOCUMENT)}
    # An application's ``id`` is an application id; a message's ``id`` is not (nor a department's credit code).
    assert pairs[("V1ApplicationsApply", "V1ApplicationsApplicationIdDetail")] == {
        "path.application_id": "id"
    }
    assert ("V1MeMessagesMessages", "V1ApplicationsApplicationIdDetail") in pairs
    assert pairs[("V1MeMessagesMessages", "V1MeMessagesReadMarkRead")] == {"body.ids": "items/0/id"}
    assert ("V1CatalogDepartmentsDepartments", "V1EnterprisesCreditCodeAgentsListAgents") not in pairs
    # A citizen's answer does not lead into the department's API.
    assert ("V1ApplicationsApplicationIdDetail", "V1DepartmentMaterialsUploadDownload") not in pairs
    # The other path parameters may come from the request: the versions listed under the item asked for.
    assert pairs[("V1RegistryItemsCodeVersionsListVersions", "V1RegistryItemsCodeVersionsGetVersion")] == {
        "path.code": "$request.path.code",
        "path.version": "0/version",
    }
