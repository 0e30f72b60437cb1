"""The committed catalogue is valid, and broken copies of it are reported in full, with file, line and field."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ishenzhen.catalog.source.validator import CatalogError, Problem, load_catalog, main, validate

COMMITTED = Path(__file__).resolve().parents[3] / "services_catalog"


def test_the_committed_catalogue_has_no_problems() -> None:
    assert [str(problem) for problem in validate(COMMITTED)] == []


def test_load_catalog_returns_every_item() -> None:
    catalog = load_catalog(COMMITTED)
    assert len(catalog.items) == 7_484
    assert len(catalog.departments) == 68


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    root = tmp_path / "services_catalog"
    shutil.copytree(COMMITTED, root)
    return root


def _item_block(text: str, code: str) -> tuple[int, int]:
    start = text.index(f"- code: '{code}'\n")
    end = text.find("\n- code: ", start + 1)
    return start, len(text) if end < 0 else end + 1


def _codes(path: Path) -> list[str]:
    prefix = "- code: '"
    return [line[len(prefix) : -1] for line in path.read_text().splitlines() if line.startswith(prefix)]


def edit_item(path: Path, code: str, old: str, new: str) -> int:
    """Replace ``old`` by ``new`` inside one item; returns the 1-based line of the edit."""
    text = path.read_text()
    start, end = _item_block(text, code)
    at = text.index(old, start, end)
    path.write_text(text[:at] + new + text[at + len(old) :])
    return text.count("\n", 0, at) + 1


def line_of(path: Path, code: str) -> int:
    text = path.read_text()
    return text.count("\n", 0, text.index(f"- code: '{code}'\n")) + 1


def find(problems: list[Problem], file: Path, field: str, item_code: str | None = None) -> Problem:
    matches = [p for p in problems if p.file == str(file) and p.field == field and p.item_code == item_code]
    assert matches, f"no problem for {file.name} {item_code} {field} in:\n" + "\n".join(map(str, problems))
    return matches[0]


def test_every_problem_is_reported_at_once_with_its_place(broken: Path) -> None:
    civil = broken / "items" / "civil-affairs.yaml"
    first, second, third, fourth = _codes(civil)[:4]
    enum_line = edit_item(civil, first, "item_type: ", "item_type: permit_")
    days_line = edit_item(civil, second, "statutory_days: ", "statutory_days: -")
    # The same item, a second time: its code repeats, and its name in the same scope.
    text = civil.read_text()
    start, end = _item_block(text, third)
    civil.write_text(text[:end] + text[start:end] + text[end:])
    dangling_line = edit_item(civil, fourth, "department: civil-affairs", "department: no-such-department")
    departments = broken / "departments.yaml"
    credit = departments.read_text()
    code_at = credit.index("credit_code: ") + len("credit_code: ")
    good_code = credit[code_at : code_at + 18]
    bad_code = good_code[:17] + ("0" if good_code[17] != "0" else "1")
    departments.write_text(credit[:code_at] + bad_code + credit[code_at + 18 :])
    credit_line = credit.count("\n", 0, code_at) + 1

    problems = validate(broken)

    enum = find(problems, civil, "item_type", first)
    assert enum.line == enum_line
    assert "permit_licence" in enum.reason or "Invalid enum value" in enum.reason
    assert find(problems, civil, "statutory_days", second).line == days_line
    duplicates = [
        p for p in problems if p.item_code == third and p.field == "code" and "duplicate" in p.reason
    ]
    assert duplicates and duplicates[0].line > line_of(civil, third)
    assert find(problems, civil, "name", third).line > duplicates[0].line
    dangling = [p for p in problems if p.item_code == fourth and p.field == "department"]
    assert {p.line for p in dangling} == {dangling_line}
    assert any("unknown department" in p.reason for p in dangling)
    bad_credit = find(problems, departments, "credit_code", "development-reform")
    assert bad_credit.line == credit_line
    # One broken row is no reason to stop: the count reflects the extra item, nothing else is lost.
    count = find(problems, broken / "items", "count")
    assert "found 7485" in count.reason
    assert str(enum).startswith(f"{civil}:{enum_line}: {first} item_type: ")


def test_a_missing_item_breaks_the_count_and_the_district_copies(broken: Path) -> None:
    civil = broken / "items" / "civil-affairs.yaml"
    text = civil.read_text()
    district_code = next(code for code in _codes(civil) if not code.endswith("440300"))
    start, end = _item_block(text, district_code)
    civil.write_text(text[:start] + text[end:])
    problems = validate(broken)
    assert "found 7483" in find(problems, broken / "items", "count").reason
    assert any(p.field == "district" and "each of the 10 districts" in p.reason for p in problems)
    assert any(p.field == "instant_approval" for p in problems) or district_code  # may or may not be instant


def test_check_characters_and_codes_are_checked(broken: Path) -> None:
    transport = broken / "items" / "transport.yaml"
    code = _codes(transport)[0]
    text = transport.read_text()
    start, end = _item_block(text, code)
    block = text[start:end]
    credit = block.split("credit_code: ", 1)[1][:18]
    broken_credit = credit[:17] + ("0" if credit[17] != "0" else "1")
    block = block.replace(f"credit_code: {credit}", f"credit_code: {broken_credit}")
    transport.write_text(text[:start] + block + text[end:])
    problems = [p for p in validate(broken) if p.item_code == code]
    fields = {p.field for p in problems}
    assert {"implementing_body", "implementation_code"} <= fields
    assert any("not a valid unified social credit code" in p.reason for p in problems)


def test_rules_between_fields(broken: Path) -> None:
    health = broken / "items" / "health.yaml"
    phone_item = next(code for code in _codes(health) if "phone_handling: true" in _block(health, code))
    edit_item(health, phone_item, "visits: 0\n", "visits: 1\n")
    problems = [p for p in validate(broken) if p.item_code == phone_item]
    assert {"visit_reason", "phone_handling"} <= {p.field for p in problems}


def _block(path: Path, code: str) -> str:
    text = path.read_text()
    start, end = _item_block(text, code)
    return text[start:end]


def test_unknown_and_missing_fields_and_bad_references(broken: Path) -> None:
    water = broken / "items" / "water.yaml"
    code = _codes(water)[0]
    edit_item(water, code, "  popularity: ", "  popularty: ")
    edit_item(water, code, "  - ", "  - no_such_theme\n  - ")  # themes is the first list of an item
    problems = [p for p in validate(broken) if p.item_code == code]
    by_field = {p.field: p for p in problems}
    assert "unknown field" in by_field["popularty"].reason
    assert "missing" in by_field["popularity"].reason


def test_theme_references_are_checked(broken: Path) -> None:
    themes = broken / "themes.yaml"
    themes.write_text(themes.read_text().replace("code: housing\n", "code: homes\n"))
    problems = validate(broken)
    dangling = [p for p in problems if p.field and p.field.startswith("themes[") and "housing" in p.reason]
    assert dangling and all(p.line is not None for p in dangling)


def test_malformed_yaml_is_reported_with_its_line(broken: Path) -> None:
    archives = broken / "items" / "archives.yaml"
    archives.write_text(archives.read_text() + "  - : [\n")
    problems = validate(broken)
    problem = next(p for p in problems if p.file == str(archives))
    assert "not valid YAML" in problem.reason and problem.line is not None


def test_load_catalog_raises_with_every_schema_problem(broken: Path) -> None:
    water = broken / "items" / "water.yaml"
    first, second = _codes(water)[:2]
    edit_item(water, first, "level: ", "level: county_")
    edit_item(water, second, "audience: ", "audience: alien_")
    with pytest.raises(CatalogError) as caught:
        load_catalog(broken)
    assert {(p.item_code, p.field) for p in caught.value.problems} == {(first, "level"), (second, "audience")}


def test_cli_prints_problems_and_exits_non_zero(broken: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (broken / "districts.yaml").write_text("districts: []\n")
    assert main([str(broken)]) == 1
    out = capsys.readouterr().out
    assert f"{broken / 'districts.yaml'}: - districts: expected exactly 10 districts, found 0" in out


def test_cli_exits_zero_on_the_committed_catalogue(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([str(COMMITTED)]) == 0
    assert capsys.readouterr().out == ""


def test_spec_problems_of_the_ui_checks_are_placed_on_their_line(broken: Path) -> None:
    graduate = "070120001000440300"
    spec_file = broken / "render_specs" / f"{graduate}.yaml"
    text = spec_file.read_text()
    email_pattern = text.count("\n", 0, text.index("        pattern: '[A-Za-z0-9._%+-]+@")) + 1
    seen = []

    def check_spec(spec, item, e_licence_types, districts):  # type: ignore[no-untyped-def]
        seen.append(item.code)
        assert "diploma" in e_licence_types and "440304" in districts
        if item.code == graduate:
            return [("/form/steps/0/components/3/pattern", "not an RE2 pattern")]
        return []

    problems = [
        p
        for p in validate(broken, check_spec=check_spec)
        if p.file.endswith(".yaml") and "render_specs" in p.file
    ]
    assert len(seen) == 10
    (problem,) = problems
    assert (problem.file, problem.line, problem.item_code) == (str(spec_file), email_pattern, graduate)
    assert problem.field == "render_spec.form.steps[0].components[3].pattern"
    assert str(problem) == f"{spec_file}:{email_pattern}: {graduate} {problem.field}: not an RE2 pattern"


def test_a_spec_that_does_not_decode_is_a_validation_problem(broken: Path) -> None:
    spec_file = next(
        p for p in sorted((broken / "render_specs").glob("*.yaml")) if "spec_version: '1.0'" in p.read_text()
    )
    spec_file.write_text(spec_file.read_text().replace("spec_version: '1.0'", "spec_version: '2.0'"))
    problem = next(p for p in validate(broken) if p.file == str(spec_file))
    assert problem.field == "render_spec.spec_version" and problem.line == 5
