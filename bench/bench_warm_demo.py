"""How much of a cold ``broadcast demo`` a warm one (the same command again) redoes.

Runs ``python -m broadcast demo --out TMP`` twice in fresh processes on the shipped project,
into an empty temporary folder: the first run is cold (nothing made yet), the second warm
(every bulletin, announcement and jingle already there). CPU seconds are those of the command
and every process it started (workers, ffmpeg), from ``resource.getrusage``. Target (issue 17):
warm / cold at most 0.08.

    python bench/bench_warm_demo.py [--rounds 3] [--command demo|build]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(args: list[str]) -> tuple[float, float]:
    """(CPU seconds of the command and its children, wall seconds)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "broadcast", *args],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        check=True,
        timeout=900,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--command", choices=("demo", "build"), default="demo")
    options = parser.parse_args()
    ratios: list[float] = []
    print(
        f"{'round':>5} {'cold CPU':>9} {'warm CPU':>9} {'ratio':>7} {'cold wall':>10} {'warm wall':>10}"
    )
    for number in range(1, options.rounds + 1):
        out = Path(tempfile.mkdtemp(prefix="bench-warm-"))
        try:
            args = [options.command, "--out", str(out)]
            if options.command == "build":
                args += ["--date", "2026-11-25"]
            cold_cpu, cold_wall = run(args)
            warm_cpu, warm_wall = run(args)
        finally:
            shutil.rmtree(out, ignore_errors=True)
        ratios.append(warm_cpu / cold_cpu)
        print(
            f"{number:>5} {cold_cpu:>8.2f}s {warm_cpu:>8.2f}s {ratios[-1]:>7.3f}"
            f" {cold_wall:>9.2f}s {warm_wall:>9.2f}s"
        )
    print(f"median warm/cold CPU ratio: {statistics.median(ratios):.3f} (target 0.08)")


if __name__ == "__main__":
    main()
