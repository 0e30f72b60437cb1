from pathlib import Path

from bench.report_doc import BEGIN_MARK, END_MARK, delta_percent, splice_generated


def test_the_marked_section_is_replaced_and_the_prose_around_it_kept() -> None:
    document = f"# Benchmarks\n\nintro\n\n{BEGIN_MARK}\nold figures\n{END_MARK}\n\nafterword\n"
    spliced = splice_generated(document, "new figures")
    assert spliced == f"# Benchmarks\n\nintro\n\n{BEGIN_MARK}\nnew figures\n{END_MARK}\n\nafterword\n"
    assert splice_generated(spliced, "new figures") == spliced


def test_a_document_without_markers_gets_the_section_at_its_end() -> None:
    spliced = splice_generated("# Benchmarks\n", "figures")
    assert spliced == f"# Benchmarks\n\n{BEGIN_MARK}\nfigures\n{END_MARK}\n"


def test_the_change_from_the_previous_figure_is_signed() -> None:
    assert delta_percent(1000.0, 1100.0) == "+10.0 %"
    assert delta_percent(1000.0, 900.0) == "-10.0 %"
    assert delta_percent(None, 900.0) == "n/a"
    assert delta_percent(0.0, 900.0) == "n/a"


def test_the_benchmarks_document_keeps_everything_outside_its_generated_section() -> None:
    document = (Path(__file__).resolve().parents[2] / "docs" / "benchmarks.md").read_text(encoding="utf-8")
    assert document.count(BEGIN_MARK) == 1
    assert document.count(END_MARK) == 1
    spliced = splice_generated(document, "figures")
    before, _, after = document.partition(BEGIN_MARK)
    assert spliced.startswith(before)
    assert spliced.endswith(after.partition(END_MARK)[2])
    assert f"{BEGIN_MARK}\nfigures\n{END_MARK}" in spliced
