"""CLI start-up: wall seconds of ``broadcast --help`` and ``broadcast check --help``.

Each is run as a fresh process (``python -m broadcast ...``) several times; the median and the
minimum are printed. Target (issue 17): at most 0.35 s. What ``--help`` must not import is
checked by tests/cli/test_startup.py; this prints the time.

    python bench/bench_startup.py [--runs 9]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMMANDS = (["--help"], ["check", "--help"], ["--version"])


def wall_seconds(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "broadcast", *args],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        check=True,
        timeout=60,
    )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    runs = parser.parse_args().runs
    wall_seconds(["--help"])  # warm the file-system cache and the .pyc files
    print(f"{'command':<28} {'median':>8} {'min':>8}   ({runs} runs each)")
    for args in COMMANDS:
        times = [wall_seconds(args) for _ in range(runs)]
        label = "broadcast " + " ".join(args)
        print(f"{label:<28} {statistics.median(times):>7.3f}s {min(times):>7.3f}s")


if __name__ == "__main__":
    main()
