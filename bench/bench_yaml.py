"""How long reading a big schedules/stations.yaml takes (parse, then the whole project).

    python bench/bench_yaml.py                  # 10,000 stations, 3 runs each
    python bench/bench_yaml.py --stations 1000 --runs 5

Builds the same project as ``bench_province.py --full`` (the shipped scripts and
campaign, one FM station and N-1 loudspeaker clusters in three dialects) in a temporary
folder, then times:

- ``compose+load (before)``: what ``parse_yaml`` did until 2026-11: compose the document
  for line numbers, then load it again, both with PyYAML's pure-Python parser;
- ``parse_yaml (pure Python)``: one pass, pure-Python parser (the fallback when PyYAML
  has no libyaml);
- ``parse_yaml (libyaml)``: one pass with libyaml's C parser (the normal case);
- ``load_project``: the whole project load a build starts with (scripts, schedule,
  validation, references).

Prints min and median seconds of each. See README, "Benchmarks".
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def make_project(root: Path, n: int) -> Path:
    """bench_province's project (shipped scripts and campaign) with N stations."""
    from bench.bench_province import write_province

    return write_province(root, n)


def timed(fn, runs: int) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times), statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--stations", type=int, default=10_000)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()

    import yaml

    from broadcast.files import sources
    from broadcast.project.loader import load_project

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        path = make_project(root, args.stations)
        text = sources.read_text(path)
        size = path.stat().st_size
        print(
            f"stations.yaml: {args.stations:,} stations, {size / 1e6:.1f} MB, "
            f"{text.count(chr(10)):,} lines; libyaml: {yaml.__with_libyaml__}"
        )

        def before() -> None:
            yaml.compose(text, Loader=sources._Loader)
            yaml.load(text, Loader=sources._Loader)

        rows = [("compose+load (before)", before)]
        if hasattr(sources, "_PY_LOADER"):
            rows.append(
                (
                    "parse_yaml (pure Python)",
                    lambda: sources.parse_yaml(text, path, loader=sources._PY_LOADER),
                )
            )
            if sources._C_LOADER is not None:
                rows.append(("parse_yaml (libyaml)", lambda: sources.parse_yaml(text, path)))
        else:
            rows.append(("parse_yaml", lambda: sources.parse_yaml(text, path)))
        rows.append(("load_project", lambda: load_project(root)))
        print(f"{'':28} {'min s':>8} {'median s':>9}   ({args.runs} runs)")
        for name, fn in rows:
            lo, med = timed(fn, args.runs)
            print(f"{name:28} {lo:8.2f} {med:9.2f}")


if __name__ == "__main__":
    main()
