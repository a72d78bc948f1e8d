"""A script with ``recording:`` airs the recording (issue 20), built for real.

The test recording is what an officer's phone gives: a second and a half of room
silence, ten seconds of voice-like sound, two seconds of silence, 40 Hz rumble under
all of it, encoded to MP3. What a listener or the district checks: the bulletin is the
trimmed recording between the chimes (within 1 s), at −16 LUFS, and the running order
and the MP3's tags say it is a recording.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from pathlib import Path

import imageio_ffmpeg
import numpy as np
import pytest
from click.testing import CliRunner
from mutagen.id3 import ID3

from broadcast.audio import recording as rec
from broadcast.audio.bulletin import RECORDING_GAP_S
from broadcast.audio.jingles import chime
from broadcast.cli import cli
from tests.audio_checks import measure

pytestmark = pytest.mark.slow

DAY = dt.date(2026, 12, 10)  # a day still to come: never a record
RATE = 44_100
SPEECH_S = 10.0
TEXT = (
    "Bà con chú ý. Công an không bao giờ gọi điện yêu cầu chuyển tiền. "
    "Ai nhận cuộc gọi như vậy hãy báo ngay cho công an xã hoặc gọi số một một ba."
)  # 31 words in 10 s: 186 words a minute, a normal reading


def voice_like(seconds: float, amp: float = 0.3) -> np.ndarray:
    """Syllable-like bursts (0.2 s on, 0.1 s off) of a 150 Hz buzz with formants."""
    t = np.arange(int(seconds * RATE)) / RATE
    buzz = sum(np.sin(2 * np.pi * f * t) / k for k, f in enumerate((150, 450, 900, 1800), 1))
    gate = (np.arange(t.size) % int(0.3 * RATE)) < int(0.2 * RATE)
    return (amp * buzz / 2.1 * gate).astype(np.float32)


def officer_recording(path: Path, amp: float = 0.3, clip: bool = False) -> float:
    """Write an MP3 like a phone's: silence, voice, silence, rumble under it all.
    Returns the voice's length in seconds."""
    voice = voice_like(SPEECH_S, amp)
    if clip:
        voice = np.clip(voice * 8, -1.0, 1.0)
    x = np.concatenate(
        [np.zeros(int(1.5 * RATE), np.float32), voice, np.zeros(2 * RATE, np.float32)]
    )
    t = np.arange(x.size) / RATE
    x = x + (0.02 * np.sin(2 * np.pi * 40 * t)).astype(np.float32)
    pcm = (np.clip(x, -1, 1) * 32767).astype("<i2").tobytes()
    subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-nostdin", "-y", "-f", "s16le"]
        + ["-ar", str(RATE), "-ac", "1", "-i", "pipe:0", "-b:a", "128k", str(path)],
        input=pcm,
        capture_output=True,
        check=True,
    )
    return SPEECH_S


def recorded_script(root: Path, name: str = "ban-ghi", audio: str = "ban-ghi.mp3") -> Path:
    path = root / "scripts" / f"{name}.md"
    path.write_text(
        f"""---
id: {name}
title: Bản tin thu âm của xã
topic: mạo danh công an
directive: {{number: 818/STTTT-TTBCVT, date: 11/04/2024, issuer: Sở TT&TT}}
recording: {audio}
---
{TEXT}
""",
        encoding="utf-8",
    )
    return path


def use_recording(root: Path) -> None:
    """The campaign airs one synthesized script; a one-off airs the recording at 17:30."""
    (root / "schedules" / "campaign.yaml").write_text(
        f"""campaigns:
  - id: thu
    title: Chiến dịch thử
    directive: {{number: 3316/UBND-VHTT, date: 22/11/2024, issuer: UBND huyện Phú Bình}}
    from: 2026-11-25
    until: 2026-12-15
    scripts: [noi-trinh-bao]
    slots: [{{at: "05:30"}}]
oneoffs:
  - id: ban-ghi-xa
    script: ban-ghi
    date: {DAY.isoformat()}
    at: "17:30"
""",
        encoding="utf-8",
    )


def invoke(*args: str) -> str:
    r = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert r.exit_code == 0, r.output
    return r.output


@pytest.fixture
def built(small_root: Path, tmp_path: Path) -> tuple[Path, Path]:
    officer_recording(small_root / "scripts" / "ban-ghi.mp3")
    recorded_script(small_root)
    use_recording(small_root)
    out = tmp_path / "out"
    invoke("build", "--date", DAY.isoformat(), "--root", str(small_root), "--out", str(out))
    return small_root, out


def items(out: Path, sid: str) -> list[dict]:
    path = out / "playlists" / DAY.isoformat() / f"{sid}.json"
    return json.loads(path.read_text("utf-8"))["items"]


def recorded_item(out: Path, sid: str) -> dict:
    found = [i for i in items(out, sid) if i["script"] == "ban-ghi"]
    assert len(found) == 1, items(out, sid)
    return found[0]


def trimmed_seconds(path: Path) -> float:
    samples, rate = rec.load(path, path, 1)
    return rec.prepare(samples, rate).size / rate


def test_the_bulletin_is_the_trimmed_recording_between_the_chimes(built):
    root, out = built
    item = recorded_item(out, "fm-thu")
    mp3 = out / "playlists" / DAY.isoformat() / item["file"]
    m = measure(mp3)
    trimmed = trimmed_seconds(root / "scripts" / "ban-ghi.mp3")
    assert SPEECH_S <= trimmed <= SPEECH_S + 0.2  # 3.5 s of silence gone, 50 ms kept each side
    chimes = (chime("intro", 22050).duration_seconds, chime("outro", 22050).duration_seconds)
    expected = trimmed + sum(chimes) + 2 * RECORDING_GAP_S
    assert abs(m.duration_s - expected) < 1.0, (m.duration_s, expected)
    assert abs(item["duration_s"] - m.duration_s) < 0.1
    assert -17.0 <= m.lufs <= -15.0
    assert m.true_peak_db <= -0.9


def test_running_order_and_id3_say_it_is_a_recording(built):
    _, out = built
    item = recorded_item(out, "xom-a")
    assert item["kind"] == "bulletin"
    assert item["engine"] == "recording"
    assert item["voice"] == "recording"
    assert item["source_audio"] == "ban-ghi.mp3"
    synthesized = [i for i in items(out, "xom-a") if i["script"] == "noi-trinh-bao"]
    assert synthesized and all("source_audio" not in i for i in synthesized)
    assert synthesized[0]["engine"] != "recording"
    tags = ID3(out / "playlists" / DAY.isoformat() / item["file"])
    assert str(tags["TIT2"]) == "Bản tin thu âm của xã"
    txxx = {f.desc: str(f) for f in tags.getall("TXXX")}
    assert txxx["engine"] == "recording"
    assert txxx["source_audio"] == "ban-ghi.mp3"
    # the station's announcement still opens it
    order = items(out, "xom-a")
    n = order.index(item)
    assert order[n - 1]["kind"] == "announcement"


def test_the_plan_uses_the_real_length_and_a_new_recording_is_made_again(built):
    root, out = built
    before = recorded_item(out, "fm-thu")
    # the plan gave the item exactly its file's length
    start = dt.datetime.fromisoformat(before["start"])
    end = dt.datetime.fromisoformat(before["end"])
    assert abs((end - start).total_seconds() - before["duration_s"]) < 0.01
    officer_recording(root / "scripts" / "ban-ghi.mp3", amp=0.1)  # re-recorded, same name
    invoke("build", "--date", DAY.isoformat(), "--root", str(root), "--out", str(out))
    after = recorded_item(out, "fm-thu")
    assert after["file"] != before["file"]
    assert after["sha256"] != before["sha256"]


def test_the_report_counts_the_recording_and_says_it_aired_as_one(built):
    root, out = built
    where = ["--root", str(root), "--out", str(out)]
    for sid in ("fm-thu", "xom-a"):
        invoke("asrun", "confirm", "--date", DAY.isoformat(), "--station", sid, *where)
    args = ["--from", DAY.isoformat(), "--to", DAY.isoformat(), *where]
    md = invoke("report", *args)
    # 05:30 one synthesized bulletin and 17:30 the recording, on each of two stations
    total = next(ln for ln in md.splitlines() if ln.startswith("| Tổng cộng"))
    cells = [c.strip() for c in total.split("|")]
    assert cells[3:5] == ["4", "4"], total  # planned, aired: the recording counts
    notes = [ln for ln in md.splitlines() if "bản ghi âm" in ln]
    assert notes == [
        "- Phát bằng bản ghi âm (giọng người đọc, không phải giọng máy): "
        "«Bản tin thu âm của xã» (ban-ghi): 2 lượt."
    ], md
    csv_text = invoke("report", *args, "--format", "csv")
    assert "ban_ghi,ban-ghi,Bản tin thu âm của xã,2" in csv_text


def test_a_second_build_reuses_the_recorded_bulletin(built):
    root, out = built
    before = recorded_item(out, "fm-thu")
    mp3 = out / "playlists" / DAY.isoformat() / before["file"]
    stamp = mp3.stat().st_mtime_ns
    invoke("build", "--date", DAY.isoformat(), "--root", str(root), "--out", str(out))
    assert recorded_item(out, "fm-thu") == before
    assert mp3.stat().st_mtime_ns == stamp


def test_render_makes_a_standalone_recorded_bulletin(small_root, tmp_path):
    officer_recording(small_root / "scripts" / "ban-ghi.mp3")
    script = recorded_script(small_root)
    target = tmp_path / "ban-ghi.mp3"
    said = invoke(
        "render", str(script), "--station", "xom-a", "-o", str(target), "--root", str(small_root)
    )
    assert "phát bản ghi âm ban-ghi.mp3" in said
    m = measure(target)
    chimes = chime("intro", 22050).duration_seconds + chime("outro", 22050).duration_seconds
    # the station's spoken name opens a standalone bulletin: a second or two more
    extra = m.duration_s - trimmed_seconds(small_root / "scripts" / "ban-ghi.mp3") - chimes
    assert 0.5 < extra < 4.0, extra
    assert -17.0 <= m.lufs <= -15.0
    assert {f.desc: str(f) for f in ID3(target).getall("TXXX")}["voice"] == "recording"


def test_a_broken_recording_is_left_out_and_every_station_still_has_its_day(small_root, tmp_path):
    from broadcast.errors import SkippedScripts

    (small_root / "scripts" / "hong.mp3").write_bytes(b"not audio" * 200)
    recorded_script(small_root, audio="hong.mp3")
    use_recording(small_root)
    out = tmp_path / "out"
    r = CliRunner(mix_stderr=False).invoke(
        cli, ["build", "--date", DAY.isoformat(), "--root", str(small_root), "--out", str(out)]
    )
    assert isinstance(r.exception, SkippedScripts) and r.exception.exit_code == 2
    assert "Không đọc được bản ghi «hong.mp3»" in str(r.exception)
    assert "ban-ghi.md, dòng 6: recording: hong.mp3" in str(r.exception)
    for sid in ("fm-thu", "xom-a"):
        order = items(out, sid)
        assert [i["script"] for i in order if i["kind"] == "bulletin"] == ["noi-trinh-bao"]


def test_the_preview_page_says_the_bulletin_is_a_recording(built):
    root, out = built
    invoke("preview", "--date", DAY.isoformat(), "--root", str(root), "--out", str(out))
    page = (out / "preview" / f"{DAY.isoformat()}.html").read_text("utf-8")
    assert page.count("bản ghi âm ban-ghi.mp3") == 2  # one recorded bulletin a station
    assert "giọng đọc recording" not in page
