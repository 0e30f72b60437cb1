"""Splicing the generated figures into docs/benchmarks.md, and comparing them with the previous run's."""

from __future__ import annotations

__all__ = ["BEGIN_MARK", "END_MARK", "delta_percent", "splice_generated"]

# The markers bound the only part of docs/benchmarks.md a run rewrites: the prose around it is written by people.
BEGIN_MARK = "<!-- bench:generated:begin -->"
END_MARK = "<!-- bench:generated:end -->"


def splice_generated(document: str, body: str) -> str:
    """The document with the marked section replaced by ``body``; appended at the end when there is none yet."""
    section = f"{BEGIN_MARK}\n{body.strip()}\n{END_MARK}"
    start = document.find(BEGIN_MARK)
    end = document.find(END_MARK)
    if start == -1 or end == -1 or end < start:
        return document.rstrip("\n") + "\n\n" + section + "\n"
    return document[:start] + section + document[end + len(END_MARK) :]


def delta_percent(previous: float | None, current: float) -> str:
    """The change from the previous figure, as people read it in a table ("+3.2 %"), or "n/a" with nothing to compare."""
    if previous is None or previous == 0:
        return "n/a"
    return f"{(current - previous) / previous * 100:+.1f} %"
