"""Every OpenAPI link in the committed document names a real operation and parameters it declares."""

from __future__ import annotations

import json
from pathlib import Path

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
