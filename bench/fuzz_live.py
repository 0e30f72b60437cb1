"""Fuzz the running service over HTTP with schemathesis: every check, positive and negative data, anonymous
and with a department token. Bounded (examples per operation, one worker, a fixed seed), loopback only.

    .venv/bin/python -m bench.fuzz_live [--max-examples 20] [--seed 20261203]

It starts ``ishenzhen serve`` on a free 127.0.0.1 port with a fresh data folder (development: the demo
reviewer client exists), runs schemathesis twice, stops the service and exits non-zero if either run found a
failure. The in-process suite (``tests/test_openapi.py``) fuzzes every operation on each test run; this adds
the real server, its HTTP parser and a token that reaches the registry's write paths.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from base64 import b64encode
from pathlib import Path

from bench.server import running_service
from ishenzhen.identity.seed import REVIEWER_CLIENT_ID, REVIEWER_SECRET

# A schema-valid page cursor is still an opaque token the server may rightly refuse (as tests/test_openapi.py).
EXCLUDED_CHECKS = "positive_data_acceptance"


def department_token(base_url: str) -> str:
    body = urllib.parse.urlencode(
        {"grant_type": "client_credentials", "scope": "registry:write registry:review"}
    ).encode()
    basic = b64encode(f"{REVIEWER_CLIENT_ID}:{REVIEWER_SECRET}".encode()).decode()
    request = urllib.request.Request(  # noqa: S310 - loopback URL we built
        f"{base_url}/oauth/token", data=body, headers={"Authorization": f"Basic {basic}"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return str(json.load(response)["access_token"])


# schemathesis' coverage phase spends more than ten minutes deriving boundary cases from the service-item
# schema (render specs nest recursively) on a shared two-core machine; --phases adds it back.
DEFAULT_PHASES = "examples,fuzzing"


def fuzz(
    base_url: str, label: str, headers: list[str], max_examples: int, seed: int, reports: Path, phases: str
) -> int:
    command = [
        str(Path(sys.executable).with_name("schemathesis")),
        "run",
        f"{base_url}/docs/openapi.json",
        "--phases",
        phases,
        "--checks",
        "all",
        "--exclude-checks",
        EXCLUDED_CHECKS,
        "--mode",
        "all",
        "--max-examples",
        str(max_examples),
        "--seed",
        str(seed),
        "--workers",
        "1",
        "--request-timeout",
        "15",
        "--report",
        "junit",
        "--report-junit-path",
        str(reports / f"{label}.xml"),
        *[part for header in headers for part in ("-H", header)],
    ]
    started = time.perf_counter()
    result = subprocess.run(command, check=False)
    print(
        f"fuzz_live: {label}: exit {result.returncode} in {time.perf_counter() - started:.0f} s",
        file=sys.stderr,
    )
    return result.returncode


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.fuzz_live", description=__doc__.split("\n\n")[0])
    parser.add_argument("--max-examples", type=int, default=20, help="examples per operation and mode [20]")
    parser.add_argument("--seed", type=int, default=20261203)
    parser.add_argument("--phases", default=DEFAULT_PHASES, help=f"schemathesis phases [{DEFAULT_PHASES}]")
    parser.add_argument(
        "--reports", type=Path, default=Path("fuzz-reports"), help="JUnit reports [fuzz-reports/]"
    )
    arguments = parser.parse_args()
    arguments.reports.mkdir(parents=True, exist_ok=True)
    root = Path(tempfile.mkdtemp(prefix="ishenzhen-fuzz-"))
    root.chmod(0o755)  # the embedded server's unprivileged account must enter it
    try:
        with running_service(root / "state", root / "serve.log", ready_deadline_s=300) as service:
            token = department_token(service.base_url)
            anonymous = fuzz(
                service.base_url,
                "anonymous",
                [],
                arguments.max_examples,
                arguments.seed,
                arguments.reports,
                arguments.phases,
            )
            department = fuzz(
                service.base_url,
                "department",
                [f"Authorization: Bearer {token}"],
                arguments.max_examples,
                arguments.seed,
                arguments.reports,
                arguments.phases,
            )
            errors = [line for line in service.log_path.read_text().splitlines() if '"level":"error"' in line]
            print(f"fuzz_live: {len(errors)} error-level log lines from the service", file=sys.stderr)
            for line in errors[:20]:
                print(line, file=sys.stderr)
        return 0 if anonymous == department == 0 and not errors else 1
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
