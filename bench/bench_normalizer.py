"""Characters per second of the spoken-form normalizer over the real scripts.

Reads every *.md file in scripts/; while that folder is still empty it falls back to
the seed notices in ../shared/seeds. Then the written side of the corpus in tests/text,
which is dense in phone numbers, accounts, abbreviations and addresses (the slow
rules). Prints which corpus it used, so figures from different days are not compared
blindly, and characters per CPU second beside the wall clock.

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


def dense_corpus() -> tuple[str, list[str]]:
    """The written side of the test corpus: text dense in phones, accounts, addresses."""
    from tests.text.test_corpus_round2 import CORPUS2

    from tests.text.test_spoken import CORPUS

    rows = [w for w, _, _ in CORPUS + CORPUS2 if w.strip()]
    return "tests/text corpus rows, one paragraph each", ["\n\n".join(rows)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="passes over the corpus")
    args = parser.parse_args()
    name, texts = corpus()
    if not texts:
        sys.exit("no corpus: scripts/ and ../shared/seeds are both empty")
    run(name, texts, args.repeat)
    run(*dense_corpus(), args.repeat)


def run(name: str, texts: list[str], repeat: int) -> None:
    chars = sum(len(t) for t in texts)
    for t in texts:  # warm up: data tables and compiled patterns are cached
        spoken(t)
    for dialect in ("north", "south"):
        start, cpu = time.perf_counter(), time.process_time()
        for _ in range(repeat):
            for t in texts:
                split_breath_groups(spoken(t, dialect))
        elapsed = time.perf_counter() - start
        cpu = time.process_time() - cpu
        rate = chars * repeat / elapsed
        # CPU time as well: on a shared machine the wall clock measures the neighbours.
        print(
            f"corpus: {name}; {len(texts)} files, {chars:,} characters; dialect {dialect}: "
            f"{rate:,.0f} characters/second ({elapsed / repeat * 1000:.1f} ms per pass); "
            f"{chars * repeat / cpu:,.0f} characters per CPU second"
        )


if __name__ == "__main__":
    main()
