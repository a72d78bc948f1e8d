"""Wall time and peak memory of ``broadcast render`` on long script bodies (issue 23).

    python bench/bench_long_render.py                  # bodies of 5,000 / 10,000 / 20,000 chars
    python bench/bench_long_render.py --sizes 20000

Each size runs in a fresh process (so its peak RSS is its own): a copy of the shipped
project, one script whose body is the shipped bodies joined, paragraph by paragraph, up
to the size; the shipped station as-is (``repeat: 2``, 44.1 kHz / 128 kb/s); a cold render
(no speech cache). Peak RSS is ``resource.getrusage(RUSAGE_SELF).ru_maxrss`` of the
Python process (a child's ``ru_maxrss`` on Linux starts from the parent's size at fork,
so ffmpeg's own figure is not read from there). Prints figures, asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def long_body(chars: int) -> str:
    """The shipped bodies, paragraph after paragraph, as long as fits in ``chars``."""
    paras: list[str] = []
    for path in sorted((REPO / "scripts").glob("*.md")):
        body = path.read_text(encoding="utf-8").split("---\n", 2)[2]
        paras += [p.strip() for p in body.split("\n\n") if p.strip()]
    out: list[str] = []
    size = 0
    while True:
        for p in paras:
            if size + len(p) + 2 > chars:
                return "\n\n".join(out)
            out.append(p)
            size += len(p) + 2


def one(chars: int) -> dict[str, float]:
    """Render one bulletin of a ``chars``-long body here; figures as a dict."""
    sys.path.insert(0, str(REPO))
    from broadcast.cli.main import main

    work = Path(tempfile.mkdtemp(prefix="bench-long-"))
    try:
        root = work / "project"
        shutil.copytree(REPO / "scripts", root / "scripts")
        shutil.copytree(REPO / "schedules", root / "schedules")
        first = (REPO / "scripts" / "khong-cung-cap-otp.md").read_text(encoding="utf-8")
        head = first.split("---\n", 2)[1].replace("id: khong-cung-cap-otp", "id: dai")
        body = long_body(chars)
        script = root / "scripts" / "dai.md"
        script.write_text(f"---\n{head}---\n{body}\n", encoding="utf-8")
        out = work / "dai.mp3"
        t0 = time.perf_counter()
        try:
            main(
                ["render", str(script), "--root", str(root), "--out", str(work / "out")]
                + ["-o", str(out)]
            )
        except SystemExit as exc:
            if exc.code not in (0, None):
                raise
        wall = time.perf_counter() - t0
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        from broadcast.audio.probe import probe

        return {
            "chars": len(body),
            "wall_s": round(wall, 1),
            "rss_mb": round(rss, 1),
            "audio_s": round(probe(out, out.name).seconds, 1),
            "mp3_mb": round(out.stat().st_size / 1e6, 1),
        }
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="*", default=[5000, 10000, 20000])
    ap.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(one(args.one)))
        return
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start")
    for chars in args.sizes:
        proc = subprocess.run(
            [sys.executable, __file__, "--one", str(chars)],
            capture_output=True,
            text=True,
            env=dict(os.environ, PYTHONPATH=str(REPO)),
        )
        if proc.returncode != 0:
            print(f"{chars}: failed\n{proc.stderr[-2000:]}")
            continue
        r = json.loads(proc.stdout.strip().splitlines()[-1])
        print(
            f"body {r['chars']:>6} chars: {r['audio_s'] / 60:5.1f} min of audio, "
            f"render {r['wall_s']:5.1f} s, peak RSS {r['rss_mb']:6.0f} MB, "
            f"MP3 {r['mp3_mb']} MB"
        )
    print(f"load average {os.getloadavg()[0]:.1f} at end (other work shares the CPU)")


if __name__ == "__main__":
    main()
