"""The preview page: built from running orders, then opened in a real headless Chromium.

The page has a small script that, when opened as ``PAGE.html#selftest``, waits for every
<audio> to load its file's metadata (or fail) and writes the counts into the DOM; the test
reads them back with ``--dump-dom``. A screenshot goes to test-artifacts/.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from broadcast.audio.export import encode_mp3
from broadcast.errors import InputError
from broadcast.report.preview import preview_path, render_preview

from .conftest import planned_item

DAY = dt.date(2026, 11, 25)
CV = "Công văn số 818/STTTT-TTBCVT ngày 11/04/2024 của Sở TT&TT Long An"
REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SCRIPT = """---
id: {id}
title: Bản tin {id}
topic: thử
directive: {{number: 818/STTTT-TTBCVT, date: 11/04/2024, issuer: Sở TT&TT Long An}}
---
Bà con gọi 113 khi có nghi ngờ & <không> chuyển tiền. Bản gốc {id}.
"""


def _bulletin(out: Path, station: str, script: str, seconds: float) -> Path:
    mp3 = out / "bulletins" / station / f"{script}-0123456789.mp3"
    rate = 16000
    t = np.arange(int(rate * seconds)) / rate
    encode_mp3(
        0.2 * np.sin(2 * np.pi * 440 * t),
        rate,
        mp3,
        sample_rate=22050,
        bitrate=32,
        tags={"title": script},
    )
    mp3.with_suffix(".json").write_text(
        json.dumps(
            {
                "script_id": script,
                "duration_s": seconds,
                "engine": "espeak",
                "spoken_text": f"Bà con gọi một một ba. Bản đọc {script}.",
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    return mp3


@pytest.fixture
def built(tmp_path: Path) -> tuple[Path, Path]:
    """Two stations' running orders for DAY: 3 bulletins and 1 jingle; fm's session
    overruns its capacity (so b, which ends past it, overruns), c is marked ``overrun``."""
    out, scripts = tmp_path / "audio_out", tmp_path / "scripts"
    scripts.mkdir()
    for sid in ("a", "b"):
        (scripts / f"{sid}.md").write_text(SCRIPT.format(id=sid), encoding="utf-8")
    orders = {"fm": ["a", "b"], "xom-cau": ["c"]}  # c has no script file
    for station, ids in orders.items():
        items = []
        for n, sid in enumerate(ids):
            mp3 = _bulletin(out, station, sid, 1.5)
            item = planned_item(DAY, "06:00", sid, "camp", CV, 1.5, offset_s=1.5 * n)
            item["file"] = f"../../bulletins/{station}/{mp3.name}"
            if station == "xom-cau":
                item["overrun"] = True
            items.append(item)
        sessions = []
        if station == "fm":
            sessions = [
                {
                    "start": items[0]["start"],
                    "end": items[-1]["end"],
                    "capacity_s": 2.0,
                    "used_s": 3.0,
                    "overrun_s": 1.0,
                }
            ]
        else:
            jingle = _bulletin(out, station, "chime", 1.0)
            items.insert(
                0,
                {
                    **planned_item(DAY, "06:00", "", "", "", 1.0, offset_s=-1.0),
                    "kind": "jingle",
                    "file": f"../../bulletins/{station}/{jingle.name}",
                },
            )
        order = out / "playlists" / DAY.isoformat() / f"{station}.json"
        order.parent.mkdir(parents=True, exist_ok=True)
        order.write_text(
            json.dumps(
                {
                    "date": DAY.isoformat(),
                    "station": {"id": station, "name": f"Đài {station}", "kind": "fm"},
                    "items": items,
                    "sessions": sessions,
                },
                ensure_ascii=False,
            ),
            encoding="utf-8",
        )
    return out, scripts


def test_page_content(built: tuple[Path, Path]) -> None:
    out, scripts = built
    res = render_preview(out, DAY, scripts, "Xã Thử")
    assert (res.path, res.stations, res.items, res.overruns) == (preview_path(out, DAY), 2, 3, 2)
    page = res.path.read_text("utf-8")
    assert "Thứ Tư, 25/11/2026" in page and "Xã Thử" in page
    assert page.count("<audio ") == 4  # 3 bulletins and a jingle
    assert page.count('<div class="jingle') == 1
    assert 'src="../bulletins/fm/a-0123456789.mp3"' in page
    assert "&amp; &lt;không&gt; chuyển tiền. Bản gốc a." in page  # original, escaped
    assert "Bà con gọi một một ba. Bản đọc a." in page  # spoken, from the sidecar
    assert "Không đọc được kịch bản c.md" in page
    assert page.count('<span class="badge">Quá giờ</span>') == 2
    assert re.search(r'<article class="item overrun"[^>]*data-script="b"', page)
    assert re.search(r'<article class="item overrun"[^>]*data-script="c"', page)
    assert not re.search(r'<article class="item overrun"[^>]*data-script="a"', page)
    assert "http://" not in page and "https://" not in page  # no external assets
    assert not list(res.path.parent.glob(".*.tmp*"))  # atomic write left no temp file


def test_no_playlists_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(InputError) as err:
        render_preview(tmp_path, DAY, None)
    assert "broadcast build --date 2026-11-25" in err.value.message


def _chromium(args: list[str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM
    profile = tmp_path / "chromium-profile"
    return subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={profile}",
            "--autoplay-policy=no-user-gesture-required",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.slow
@pytest.mark.skipif(
    CHROMIUM is None,
    reason="Chromium không có: cài bằng "
    "'apt-get install -y chromium' (.ci/run tự cài) để thử trang trong trình "
    "duyệt thật",
)
def test_every_audio_loads_in_headless_chromium(built: tuple[Path, Path], tmp_path: Path) -> None:
    out, scripts = built
    page = render_preview(out, DAY, scripts, "Xã Thử").path
    res = _chromium(
        ["--virtual-time-budget=20000", "--dump-dom", page.as_uri() + "#selftest"], tmp_path
    )
    m = re.search(r'<div id="selftest"([^>]*)>', res.stdout)
    assert m, f"no DOM from Chromium: {res.stderr[-2000:]}"
    attrs = dict(re.findall(r'data-(\w+)="(\d+)"', m.group(1)))
    assert attrs == {"done": "1", "loaded": "4", "failed": "0", "total": "4"}, res.stdout[-500:]
    assert len(re.findall(r'<article class="item', res.stdout)) == 3
    assert re.search(r'<div id="summary" data-stations="2" data-items="3"', res.stdout)

    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "preview.png"
    shot.unlink(missing_ok=True)
    res = _chromium(
        ["--hide-scrollbars", "--window-size=1100,900", f"--screenshot={shot}", page.as_uri()],
        tmp_path,
    )
    assert shot.is_file() and shot.stat().st_size > 10_000, res.stderr[-2000:]


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium không có")
def test_missing_audio_is_counted_as_failed(built: tuple[Path, Path], tmp_path: Path) -> None:
    out, scripts = built
    page = render_preview(out, DAY, scripts).path
    next((out / "bulletins" / "fm").glob("a-*.mp3")).unlink()
    res = _chromium(
        ["--virtual-time-budget=20000", "--dump-dom", page.as_uri() + "#selftest"], tmp_path
    )
    m = re.search(r'<div id="selftest"([^>]*)>', res.stdout)
    assert m
    attrs = dict(re.findall(r'data-(\w+)="(\d+)"', m.group(1)))
    assert (attrs["loaded"], attrs["failed"]) == ("3", "1")
