"""The writer gives back the files it was read from, byte for byte; render specs stay out of items files."""

from __future__ import annotations

import shutil
from pathlib import Path

from ishenzhen.catalog.source._loading import read_catalog
from ishenzhen.catalog.source.writer import write_catalog, write_department

COMMITTED = Path(__file__).resolve().parents[3] / "services_catalog"
GRADUATE = "070120001000440300"  # 应届毕业生接收, of human-resources


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


def test_read_then_write_gives_the_same_bytes(tmp_path: Path) -> None:
    loaded = read_catalog(COMMITTED)
    assert loaded.problems == []
    write_catalog(loaded.catalog, tmp_path)
    written, committed = _files(tmp_path), _files(COMMITTED)
    assert sorted(written) == sorted(committed)
    assert [name for name in written if written[name] != committed[name]] == []
    assert not any(
        b"render_spec" in content for name, content in written.items() if name.startswith("items/")
    )


def test_the_whole_catalogue_is_the_truth_for_spec_files(tmp_path: Path) -> None:
    catalog = read_catalog(COMMITTED).catalog
    (tmp_path / "render_specs").mkdir()
    (tmp_path / "render_specs" / "440300000000440300.yaml").write_text("code: '440300000000440300'\n")
    for item in catalog.items:
        item.render_spec = None
    write_catalog(catalog, tmp_path)
    assert list((tmp_path / "render_specs").glob("*.yaml")) == []


def test_a_department_export_writes_its_items_and_specs_only(tmp_path: Path) -> None:
    root = tmp_path / "services_catalog"
    shutil.copytree(COMMITTED, root)
    catalog = read_catalog(root).catalog
    people = [item for item in catalog.items if item.department == "human-resources"]
    graduate = next(item for item in people if item.code == GRADUATE)
    spec = graduate.render_spec
    graduate.render_spec = None
    others = sorted(path.name for path in (root / "render_specs").glob("*.yaml") if path.stem != GRADUATE)
    written = write_department(root, "human-resources", people)
    assert written[0] == root / "items" / "human-resources.yaml"
    assert sorted(path.name for path in (root / "render_specs").glob("*.yaml")) == others
    graduate.render_spec = spec
    write_department(root, "human-resources", people)
    assert _files(root) == _files(COMMITTED)
