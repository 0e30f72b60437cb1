"""The soak: its paced load, its browsing mix, and a short run against the real service."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from bench.soak import browsing_mix, paced_script

ROOT = Path(__file__).resolve().parents[2]


def _kind(path: str) -> str:
    if path.startswith("/v1/app/home"):
        return "home"
    if path.startswith("/v1/catalog/search"):
        return "search"
    if path.endswith("/guide"):
        return "guide"
    return "list" if "?limit=" in path else "detail"


def test_the_browsing_mix_is_the_same_every_run_and_browsing_heavy() -> None:
    mix = browsing_mix()
    assert mix == browsing_mix()
    shares = {kind: count / len(mix) for kind, count in Counter(map(_kind, mix)).items()}
    assert shares["search"] == pytest.approx(0.35, abs=0.03)
    assert shares["home"] == pytest.approx(0.20, abs=0.03)
    assert shares["detail"] == pytest.approx(0.20, abs=0.03)
    # Distinct uncached searches: each is sent once per pass over the mix.
    searches = [path for path in mix if _kind(path) == "search"]
    assert len(set(searches)) > len(searches) / 4


def test_the_paced_script_waits_between_requests_only_when_asked(tmp_path: Path) -> None:
    paced = paced_script(["/a", "/b"], tmp_path, 40).read_text(encoding="utf-8")
    assert "delay = function()\n  return 40\nend" in paced
    assert '"/a",\n"/b"' in paced
    assert "delay" not in paced_script(["/a"], tmp_path, None).read_text(encoding="utf-8")


@pytest.mark.slow
def test_a_short_soak_keeps_the_worker_s_memory_flat_and_every_request_answered(tmp_path: Path) -> None:
    figures = tmp_path / "soak.json"
    command = [sys.executable, "-m", "bench.soak", "--seconds", "15", "--warmup", "5", "--segment", "5"]
    run = subprocess.run(
        [*command, "--json", str(figures)], cwd=ROOT, capture_output=True, text=True, timeout=240, check=False
    )
    assert run.returncode == 0, run.stdout + run.stderr[-3000:]
    result = json.loads(figures.read_text(encoding="utf-8"))
    assert result["passed"] is True
    assert sum(segment["non_2xx_3xx"] + segment["socket_errors"] for segment in result["segments"]) == 0
    assert result["rss_growth"] <= 0.10
    assert len(result["rss_samples_mib"]) == 3
    achieved = sum(s["requests_per_second"] for s in result["segments"]) / len(result["segments"])
    # Paced, not flat out: near 70 % of the closed-loop rate, far from all of it.
    assert 0.4 * result["target_requests_per_second"] < achieved < 1.25 * result["target_requests_per_second"]
    assert "worker resident after warm-up" in run.stdout
