"""Figures for the officer traps (issue 14): answers must come at once.

- ``check`` on a project with the 8-line "billion laughs" schedule (aliases refused while
  parsing, nothing expanded), next to ``check`` on the shipped project;
- recognising the encoding of a TCVN3 / VNI copy of every shipped script;
- the next build's clean-up of temp files a killed run left (pid in the name).

    python bench/bench_traps.py
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from broadcast.errors import BroadcastError  # noqa: E402
from broadcast.files.atomic import remove_left_over  # noqa: E402
from broadcast.files.encodings import guess  # noqa: E402
from broadcast.files.legacy_charsets import tcvn3_table, vni_table  # noqa: E402
from broadcast.project.loader import load_project  # noqa: E402

LAUGHS = (
    "a: &a ["
    + ",".join(['"lol"'] * 9)
    + "]\n"
    + "".join(
        f"{b}: &{b} [" + ",".join([f"*{a}"] * 9) + "]\n"
        for a, b in zip("abcdefg", "bcdefgh", strict=True)
    )
)


def timed(fn) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    try:
        fn()
    except BroadcastError:
        pass
    return time.perf_counter() - start


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "p"
        for name in ("scripts", "schedules"):
            shutil.copytree(ROOT / name, root / name)
        ok = timed(lambda: load_project(root))
        (root / "schedules" / "hostile.yaml").write_text(LAUGHS, encoding="utf-8")
        bad = timed(lambda: load_project(root))
        print(f"check, shipped project: {ok * 1000:.0f} ms")
        print(f"check, with the 8-line billion-laughs schedule: {bad * 1000:.0f} ms (refused)")

        texts = [p.read_text("utf-8") for p in sorted((ROOT / "scripts").glob("*.md"))]
        inv_t = {v: k for k, v in tcvn3_table().items()}
        inv_v = {v: k for k, v in vni_table().items()}
        for name, inverse, lower in (("tcvn3", inv_t, True), ("vni", inv_v, False)):
            raws = [
                "".join(
                    inverse.get(c, inverse.get(c.lower(), c) if lower else c) for c in t
                ).encode("cp1252")
                for t in texts
            ]
            start = time.perf_counter()
            found = [guess(r) for r in raws]
            spent = time.perf_counter() - start
            right = sum(1 for g in found if g is not None and g.encoding == name)
            size = sum(map(len, raws)) / 1024
            print(
                f"recognise {name}: {right}/{len(raws)} scripts right, "
                f"{size:.0f} KB in {spent * 1000:.0f} ms"
            )

        folder = Path(tmp) / "bulletins"
        folder.mkdir()
        dead = 2**22 + 12345  # above the usual pid_max: no such process
        for i in range(1000):
            (folder / f".b{i}.mp3.pid{dead}.abcd1234.tmp.mp3").write_bytes(b"x")
            (folder / f".l{i}.mp3.pid{os.getpid()}.abcd1234.tmp.mp3").write_bytes(b"x")
        start = time.perf_counter()
        removed = remove_left_over(folder)
        spent = time.perf_counter() - start
        left = len(list(folder.iterdir()))
        print(
            f"clean-up: {len(removed)} temps of a killed run removed, {left} of a live one "
            f"kept, in {spent * 1000:.0f} ms"
        )


if __name__ == "__main__":
    main()
