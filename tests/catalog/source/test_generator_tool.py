"""The generator writes the committed files byte for byte, and what it writes has the article's shape."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest
from tools.catalog_generator.generator import build_catalog, main, write_catalog
from tools.catalog_generator.vocabulary import KINDS, MATERIALS, NAMED_INSTANT_APPROVALS, THEME_ROWS

from ishenzhen.catalog.model import Catalog

COMMITTED = Path(__file__).resolve().parents[3] / "services_catalog"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    # The vocabulary builds the items; the hand-written render specs are attached from the committed folder.
    return build_catalog(render_specs=COMMITTED / "render_specs")


# Search data kept beside the catalogue by hand; the writer neither reads nor writes it.
HAND_WRITTEN = {"search_dictionary.yaml"}
# Instant-approval rule sets, written by hand beside the catalogue (services_catalog/rules/).
HAND_WRITTEN_FOLDERS = {"rules"}


def _files(root: Path) -> dict[str, bytes]:
    paths = [
        p
        for p in sorted(root.rglob("*.yaml"))
        if str(p.relative_to(root)) not in HAND_WRITTEN
        and p.relative_to(root).parts[0] not in HAND_WRITTEN_FOLDERS
    ]
    return {str(path.relative_to(root)): path.read_bytes() for path in paths}


def test_generator_reproduces_the_committed_files(catalog: Catalog, tmp_path: Path) -> None:
    write_catalog(catalog, tmp_path)
    generated, committed = _files(tmp_path), _files(COMMITTED)
    assert sorted(generated) == sorted(committed)
    changed = [name for name in generated if generated[name] != committed[name]]
    assert not changed, f"regenerate with `python -m tools.catalog_generator`: {changed}"


def test_a_second_build_is_identical(catalog: Catalog) -> None:
    assert build_catalog(render_specs=COMMITTED / "render_specs") == catalog


def test_a_generator_run_keeps_the_hand_written_specs(tmp_path: Path) -> None:
    shutil.copytree(COMMITTED / "render_specs", tmp_path / "render_specs")
    assert main(["--out", str(tmp_path)]) == 0
    assert _files(tmp_path) == _files(COMMITTED)


def test_a_generator_run_stops_on_a_spec_that_no_longer_fits(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "render_specs").mkdir()
    spec = next((COMMITTED / "render_specs").glob("*.yaml")).read_text()
    code = spec.split("code: '", 1)[1][:18]
    gone = code[:-6] + "999999"
    (tmp_path / "render_specs" / f"{gone}.yaml").write_text(spec.replace(code, gone))
    assert main(["--out", str(tmp_path)]) == 1
    assert f"no item has the code `{gone}`" in capsys.readouterr().err
    assert not (tmp_path / "items").exists()  # nothing written


def test_stale_item_files_are_removed(catalog: Catalog, tmp_path: Path) -> None:
    (tmp_path / "items").mkdir()
    (tmp_path / "items" / "gone.yaml").write_text("department: gone\nitems: []\n")
    write_catalog(catalog, tmp_path)
    assert not (tmp_path / "items" / "gone.yaml").exists()


def test_the_article_figures(catalog: Catalog) -> None:
    items = catalog.items
    assert len(items) == 7_484
    assert len(catalog.departments) == 68
    assert len(catalog.districts) == 10
    assert sum(item.instant_approval for item in items) == 200
    for audience, share in (("natural_person", 0.95), ("legal_person", 0.60)):
        serving = [item for item in items if item.audience in (audience, "both")]
        assert sum(item.phone_handling for item in serving) / len(serving) >= share
    visits = Counter(item.visits for item in items)
    assert visits[0] > len(items) / 2


def test_named_instant_approvals_exist_under_their_names(catalog: Catalog) -> None:
    by_name: dict[str, list] = {}
    for item in catalog.items:
        by_name.setdefault(item.name, []).append(item)
    for name in NAMED_INSTANT_APPROVALS:
        assert by_name[name], name
        assert all(item.instant_approval for item in by_name[name]), name
    assert len(by_name["老龄津贴发放"]) == 10
    (deregistration,) = by_name["企业注销登记"]
    assert deregistration.promised_days == 1
    (registration,) = by_name["企业设立登记"]
    assert registration.result.name == "营业执照"
    assert "营业执照" in registration.keywords


@pytest.mark.parametrize(
    "fragment",
    [
        "公积金提取",
        "住房公积金提取（租房）",
        "居民身份证换领",
        "社会保险",
        "灵活就业人员参加基本养老保险登记",
        "社会保险关系转移",
        "网络预约出租汽车",
    ],
)
def test_names_the_search_tests_look_for(catalog: Catalog, fragment: str) -> None:
    assert any(fragment in item.name for item in catalog.items)


def test_district_items_are_implemented_by_the_district_counterpart(catalog: Catalog) -> None:
    item = next(item for item in catalog.items if item.name == "老龄津贴发放" and item.district == "440304")
    assert item.implementing_body.name == "福田区民政局"
    assert item.department == "civil-affairs"
    assert item.implementation_code.startswith(
        item.basic_code + "440304" + item.implementing_body.credit_code
    )


def test_the_vocabulary_refers_only_to_known_materials_and_themes() -> None:
    themes = {code for code, _, _ in THEME_ROWS}
    for slug, groups in KINDS.items():
        assert groups, f"{slug} has no service kinds"
        for group in groups:
            assert set(group.materials) <= set(MATERIALS), group.template
            assert set(group.themes) <= themes, group.template


def test_scaled_catalogue_keeps_names_unique_per_scope() -> None:
    scaled = build_catalog(scale=2)
    assert len(scaled.items) == 2 * 7_484
    assert sum(item.instant_approval for item in scaled.items) == 2 * 200
    assert len({item.code for item in scaled.items}) == len(scaled.items)
    assert len({(item.department, item.district, item.name) for item in scaled.items}) == len(scaled.items)


def test_cli_refuses_a_scale_below_one() -> None:
    with pytest.raises(SystemExit):
        main(["--scale", "0"])
