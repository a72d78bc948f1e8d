"""Characters per second of the spoken-form normalizer over the real scripts.

Reads every *.md file in scripts/; while that folder is still empty it falls back to
the seed notices in ../shared/seeds. Prints which corpus it used, so figures from
different days are not compared blindly.

    python bench/bench_normalizer.py [--repeat N]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from broadcast.text.spoken import split_breath_groups, spoken  # noqa: E402


def corpus() -> tuple[str, list[str]]:
    scripts = sorted((ROOT / "scripts").glob("*.md"))
    if scripts:
        return "scripts/*.md", [p.read_text("utf-8") for p in scripts]
    seeds = sorted((ROOT.parent / "shared" / "seeds").glob("*"))
    return f"{ROOT.parent / 'shared' / 'seeds'} (scripts/ is empty)", [
        p.read_text("utf-8") for p in seeds if p.is_file()
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="passes over the corpus")
    args = parser.parse_args()
    name, texts = corpus()
    if not texts:
        sys.exit("no corpus: scripts/ and ../shared/seeds are both empty")
    chars = sum(len(t) for t in texts)
    for t in texts:  # warm up: data tables and compiled patterns are cached
        spoken(t)
    for dialect in ("north", "south"):
        start, cpu = time.perf_counter(), time.process_time()
        for _ in range(args.repeat):
            for t in texts:
                split_breath_groups(spoken(t, dialect))
        elapsed = time.perf_counter() - start
        cpu = time.process_time() - cpu
        rate = chars * args.repeat / elapsed
        # CPU time as well: on a shared machine the wall clock measures the neighbours.
        print(
            f"corpus: {name}; {len(texts)} files, {chars:,} characters; dialect {dialect}: "
            f"{rate:,.0f} characters/second ({elapsed / args.repeat * 1000:.1f} ms per pass); "
            f"{chars * args.repeat / cpu:,.0f} characters per CPU second"
        )


if __name__ == "__main__":
    main()
