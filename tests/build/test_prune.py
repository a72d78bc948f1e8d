"""``broadcast cache prune --bulletins``: old bulletins of edited scripts go, used ones stay.

Real builds of ``small_root``; file ages set with ``os.utime``, the day pinned.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from click.testing import CliRunner

from broadcast.cli import cli

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
# the day before the days built: they are still to come, so a rebuild rewrites them
NOW = dt.datetime(2026, 11, 24, 12, 0, tzinfo=TZ)


def _age(out: Path, days: float) -> None:
    then = NOW.timestamp() - days * 86400
    for p in [*(out / "bulletins").rglob("*"), *(out / "jingles").rglob("*")]:
        if p.is_file():
            os.utime(p, (then, then))


def _media(out: Path) -> set[str]:
    return {
        p.relative_to(out).as_posix()
        for p in [*(out / "bulletins").rglob("*"), *(out / "jingles").rglob("*")]
        if p.is_file()
    }


@pytest.mark.slow
def test_prune_bulletins_removes_only_what_no_recent_playlist_uses(small_root, tmp_path):
    out = tmp_path / "out"
    runner = CliRunner()
    base = ["--root", str(small_root), "--out", str(out)]
    build = ["build", "--date", "2026-11-25", "--days", "2", *base]
    prune = ["cache", "prune", "--bulletins", *base]
    with time_machine.travel(NOW, tick=False):
        assert runner.invoke(cli, build).exit_code == 0
        first = _media(out)
        script = small_root / "scripts" / "noi-trinh-bao.md"
        script.write_text(script.read_text("utf-8") + "\nXin cảm ơn bà con.\n", "utf-8")
        assert runner.invoke(cli, build).exit_code == 0
        both = _media(out)
        stale = {p for p in first if "noi-trinh-bao" in p}  # the versions before the edit
        assert len(stale) == 4 and stale < both

        # all young: nothing goes, even what no playlist names any more
        r = runner.invoke(cli, prune)
        assert r.exit_code == 0, r.output
        assert _media(out) == both

        _age(out, 40)
        r = runner.invoke(cli, [*prune, "--dry-run"])
        assert r.exit_code == 0 and "Sẽ xóa 2 bản tin" in r.output, r.output
        assert _media(out) == both

        r = runner.invoke(cli, prune)
        assert r.exit_code == 0 and "Đã xóa 2 bản tin" in r.output, r.output
        left = _media(out)
        assert left == both - stale  # the MP3 and its JSON sidecar, per station
        assert {p for p in left if p.startswith("jingles/")} == {
            p for p in both if p.startswith("jingles/")
        }
        r = runner.invoke(cli, build)
        assert r.exit_code == 0 and "0 bản tin mới" in r.output, r.output

    # two months on: those playlists are history, their bulletins go
    with time_machine.travel(NOW + dt.timedelta(days=60), tick=False):
        r = runner.invoke(cli, [*prune, "--older-than", "30d"])
        assert r.exit_code == 0, r.output
        assert _media(out) == set()
        assert (out / "playlists" / "2026-11-25").is_dir()  # history is kept


def test_prune_needs_something_to_do(small_root, tmp_path):
    r = CliRunner().invoke(cli, ["cache", "prune", "--root", str(small_root)])
    assert r.exit_code == 2 and "--bulletins" in r.output


@pytest.mark.slow
def test_speech_a_warm_build_airs_counts_as_used_and_the_cron_line_prunes_by_age_and_size(
    small_root, tmp_path
):
    """``--older-than`` counts from the last build that aired the speech (a warm build
    reads no speech, but marks what its bulletins were made from), and the shipped cron
    line bounds the cache by both age and size."""
    import shlex
    import time

    out = tmp_path / "out"
    args = ["build", "--date", "2026-11-25", "--root", str(small_root), "--out", str(out)]
    assert CliRunner().invoke(cli, args).exit_code == 0
    speech = [p for p in (out / "cache" / "speech").rglob("*.flac")]
    assert speech
    old = time.time() - 40 * 86400
    for p in speech:
        os.utime(p, (old, old))
    assert CliRunner().invoke(cli, args).exit_code == 0  # warm: nothing made
    prune = ["cache", "prune", "--older-than", "30d", "--out", str(out)]
    r = CliRunner().invoke(cli, prune)
    assert r.exit_code == 0, r.output
    assert all(p.exists() for p in speech), r.output  # every entry aired today
    cron = (Path(__file__).parents[2] / "deploy" / "broadcast.cron").read_text("utf-8")
    (line,) = [ln for ln in cron.splitlines() if "cache prune" in ln and not ln.startswith("#")]
    words = shlex.split(line.split("broadcast cache", 1)[1].split(">>")[0])
    assert "--older-than" in words and "--max-size" in words
    words[words.index("--out") + 1] = str(out)
    r = CliRunner().invoke(cli, ["cache", *words])
    assert r.exit_code == 0, r.output
    assert "đoạn tiếng" in r.output and "bản tin" in r.output
