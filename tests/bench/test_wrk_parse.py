"""The wrk report parser, on output captured from wrk 4.1.0 (Debian) against the running service."""

from __future__ import annotations

import pytest
from bench.wrk import WrkError, parse_wrk_output

# wrk -t1 -c50 -d3s --latency http://127.0.0.1:18765/bench/reference
REFERENCE_SAMPLE = """\
Running 3s test @ http://127.0.0.1:18765/bench/reference
  1 threads and 50 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     5.92ms  371.14us   9.08ms   77.87%
    Req/Sec     8.49k   153.07     8.89k    70.97%
  Latency Distribution
     50%    5.90ms
     75%    6.11ms
     90%    6.33ms
     99%    7.12ms
  26140 requests in 3.10s, 5.04MB read
Requests/sec:   8430.16
Transfer/sec:      1.62MB
"""

# wrk -t1 -c2 -d2s --latency http://127.0.0.1:18765/health/live: sub-millisecond figures come in us.
MICROSECONDS_SAMPLE = """\
Running 2s test @ http://127.0.0.1:18765/health/live
  1 threads and 2 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   578.05us  757.28us   7.70ms   90.63%
    Req/Sec     5.04k     1.05k    7.52k    70.00%
  Latency Distribution
     50%  352.00us
     75%  449.00us
     90%    1.20ms
     99%    3.96ms
  10030 requests in 2.00s, 2.04MB read
Requests/sec:   5014.36
Transfer/sec:      1.02MB
"""

# wrk -t1 -c50 -d2s --latency http://127.0.0.1:18765/nope: every answer a 404.
NOT_FOUND_SAMPLE = """\
Running 2s test @ http://127.0.0.1:18765/nope
  1 threads and 50 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     6.68ms    1.86ms  15.54ms   72.94%
    Req/Sec     7.50k     0.94k    9.30k    70.00%
  Latency Distribution
     50%    6.72ms
     75%    7.70ms
     90%    8.97ms
     99%   11.96ms
  14929 requests in 2.00s, 5.31MB read
  Non-2xx or 3xx responses: 14929
Requests/sec:   7458.64
Transfer/sec:      2.65MB
"""


def test_parses_throughput_and_percentiles() -> None:
    result = parse_wrk_output(REFERENCE_SAMPLE)
    assert result.requests_per_second == 8430.16
    assert result.p50_ms == 5.90
    assert result.p99_ms == 7.12
    assert result.requests == 26140
    assert result.errors == 0


def test_converts_microseconds_to_milliseconds() -> None:
    result = parse_wrk_output(MICROSECONDS_SAMPLE)
    assert result.p50_ms == 0.352
    assert result.p99_ms == 3.96


def test_counts_non_2xx_responses_as_errors() -> None:
    result = parse_wrk_output(NOT_FOUND_SAMPLE)
    assert result.non_2xx_3xx == 14929
    assert result.errors == 14929


def test_counts_socket_errors() -> None:
    # The line wrk adds when connections fail or time out (format from wrk's src/wrk.c).
    output = REFERENCE_SAMPLE.replace(
        "Requests/sec:", "  Socket errors: connect 0, read 3, write 0, timeout 12\nRequests/sec:"
    )
    result = parse_wrk_output(output)
    assert result.socket_errors == 15


def test_output_without_latency_table_is_refused() -> None:
    without_latency = "\n".join(line for line in REFERENCE_SAMPLE.splitlines() if "%  " not in line[:12])
    with pytest.raises(WrkError, match="--latency"):
        parse_wrk_output(without_latency)
