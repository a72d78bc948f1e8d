"""The command line end to end, as an officer or cron runs it: real processes, real audio."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.audio_checks import measure


def run(
    *args: str, cwd: Path | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONIOENCODING="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "broadcast", *args],
        cwd=cwd,
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=300,
    )


def _playlist_entries(m3u: Path) -> list[tuple[str, Path]]:
    lines = m3u.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "#EXTM3U"
    out = []
    for info, path in zip(lines[2::2], lines[3::2], strict=True):
        assert info.startswith("#EXTINF:"), info
        assert not path.startswith("/"), "paths must be relative to the playlist"
        out.append((info, (m3u.parent / path).resolve()))
    return out


def test_help_teaches_every_command():
    r = run("--help")
    assert r.returncode == 0
    for cmd in ("demo", "check", "build", "render", "normalize"):
        assert cmd in r.stdout
    r = run("build", "--help")
    assert "Ví dụ" in r.stdout and "--days" in r.stdout


@pytest.mark.slow
def test_demo_makes_real_bulletins_and_playlists(small_root, tmp_path):
    out = tmp_path / "out"
    r = run("demo", "--root", str(small_root), "--out", str(out))
    assert r.returncode == 0, r.stderr
    page = out / "preview" / "2026-11-25.html"
    assert page.is_file() and "<audio" in page.read_text(encoding="utf-8")
    playlists = sorted((out / "playlists" / "2026-11-25").glob("*.m3u8"))
    assert [p.stem for p in playlists] == ["fm-thu", "xom-a"]
    for m3u in playlists:
        order = json.loads(m3u.with_suffix(".json").read_text(encoding="utf-8"))
        # the station announces itself, in its own item, just before each bulletin
        every = list(order["items"])
        kinds = [i["kind"] for i in every]
        assert [kinds[n - 1] for n, k in enumerate(kinds) if k == "bulletin"] == [
            "announcement"
        ] * 3
        (said,) = {i["file"] for i in order["items"] if i["kind"] == "announcement"}
        ann = measure(m3u.parent / said)
        assert 1.0 < ann.duration_s < 8 and ann.lufs == pytest.approx(-16.0, abs=1.0)
        assert ann.true_peak_db <= -1.0 and ann.silent_fraction < 0.6
        name = order["station"]["name"]
        assert [i["title"] for i in order["items"] if i["kind"] == "announcement"] == [
            f"{name} xin thông báo."
        ] * 3
        # jingle entries (station ID, chimes) sit between the bulletins: keep bulletins
        entries = [
            e
            for e, i in zip(_playlist_entries(m3u), order["items"], strict=True)
            if i["kind"] == "bulletin"
        ]
        order["items"] = [i for i in order["items"] if i["kind"] == "bulletin"]
        assert len(entries) == 3  # two in the morning slot, one in the afternoon
        assert [i["slot"] for i in order["items"]] == ["05:30", "05:30", "17:00"]
        assert every[0]["kind"] == "jingle"  # the station ID opens the session
        assert every[0]["start"].startswith("2026-11-25T05:30:00")
        first = order["items"][0]["start"]  # after the ID and the announcement
        assert first == every[2]["start"]
        assert "05:30:04" <= first[11:19] <= "05:30:09", first
        for (info, path), item in zip(entries, order["items"], strict=True):
            assert path.is_file()
            m = measure(path)
            declared = int(info.split(":")[1].split(",")[0])
            assert abs(m.duration_s - declared) <= 1.5
            assert m.duration_s > 15  # jingles + header + a real body
            assert m.lufs == pytest.approx(-16.0, abs=1.0)
            assert m.true_peak_db <= -1.0
            assert m.silent_fraction < 0.5 and m.rms_db > -40  # speech, not silence
            assert (m.sample_rate, m.channels) == (44100, 1)
            assert item["engine"] == "espeak"


@pytest.mark.slow
def test_second_build_renders_nothing_and_rewrites_no_mp3(small_root, tmp_path):
    out = tmp_path / "out"
    args = ("build", "--date", "2026-11-26", "--root", str(small_root), "--out", str(out))
    first = run(*args)
    assert first.returncode == 0, first.stderr
    mp3s = sorted(out.rglob("*.mp3"))
    stamps = {p: (p.stat().st_mtime_ns, p.stat().st_ino) for p in mp3s}
    second = run(*args)
    assert second.returncode == 0
    assert "0 bản tin mới" in second.stdout
    assert sorted(out.rglob("*.mp3")) == mp3s
    assert {p: (p.stat().st_mtime_ns, p.stat().st_ino) for p in mp3s} == stamps


@pytest.mark.slow
def test_render_one_bulletin_has_tags(small_root, tmp_path):
    target = tmp_path / "otp.mp3"
    r = run(
        "render",
        str(small_root / "scripts" / "khong-cung-cap-otp.md"),
        "--station",
        "xom-a",
        "-o",
        str(target),
        "--root",
        str(small_root),
        "--out",
        str(tmp_path / "o"),
    )
    assert r.returncode == 0, r.stderr
    from mutagen.id3 import ID3

    tags = ID3(target)
    assert str(tags["TIT2"]) == "Không đưa mã OTP, số tài khoản, số căn cước cho bất kỳ ai"
    assert str(tags["TPE1"]) == "Loa xóm A"
    assert "818/STTTT-TTBCVT" in str(tags["TALB"])
    m = measure(target)
    assert m.duration_s > 10
    assert m.lufs == pytest.approx(-16.0, abs=1.0) and m.true_peak_db <= -1.0
    assert m.silent_fraction < 0.5 and m.rms_db > -40  # speech, not silence


def test_normalize_text_and_stdin_line_for_line():
    r = run("normalize", "Gọi 156 ngày 25/11")
    assert r.returncode == 0, r.stderr
    assert r.stdout == "Gọi một năm sáu ngày hai mươi lăm tháng mười một.\n"
    r = run("normalize", "-", stdin="UBND xã\n\ngọi 113\n")
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == ["ủy ban nhân dân xã.", "", "gọi một một ba."]


@pytest.mark.parametrize(
    "args,code,words",
    [
        (("build", "--date", "32/13/2026"), 2, "không"),
        (("build", "--days", "0"), 2, "0"),
        (("build", "--station", "khong-co"), 2, "khong-co"),
        (("render", "scripts/khong-co.md"), 2, "Không tìm thấy"),
    ],
)
def test_bad_input_gives_message_and_exit_code_not_traceback(small_root, args, code, words):
    r = run(*args, "--root", str(small_root), cwd=small_root)
    assert r.returncode == code
    assert words in r.stderr
    assert "Traceback" not in r.stderr + r.stdout


def test_check_lists_every_problem_with_place_and_fix(small_root):
    (small_root / "scripts" / "hong.md").write_text("---\nid: hong\n---\n", encoding="utf-8")
    (small_root / "schedules" / "stations.yaml").write_text(
        "commune: X\nstations:\n  - id: a\n    kind: fm\n", encoding="utf-8"
    )
    r = run("check", "--root", str(small_root))
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    assert "hong.md, dòng" in r.stderr and "stations.yaml, dòng" in r.stderr
    assert "Cách sửa" in r.stderr


def test_scheduler_library_warnings_stay_out_of_the_operator_log():
    """APScheduler's English "Run time of job ... was missed by" is replaced by the
    daemon's own Vietnamese line per missed session."""
    import logging

    from click.testing import CliRunner

    from broadcast.cli import cli

    assert CliRunner().invoke(cli, ["normalize", "Gọi 156"]).exit_code == 0
    assert logging.getLogger("apscheduler").getEffectiveLevel() >= logging.ERROR


@pytest.mark.slow
def test_build_goes_on_without_a_broken_script_and_exits_2(small_root, tmp_path):
    (small_root / "scripts" / "hong.md").write_text(
        "---\nid: hong\ntitle: Chú ý: lừa đảo\ntopic: x\n---\nNội dung.\n", encoding="utf-8"
    )
    out = tmp_path / "out"
    r = run("build", "--date", "2026-11-25", "--root", str(small_root), "--out", str(out))
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    assert "bỏ qua kịch bản có lỗi" in r.stderr and "hong.md, dòng 3" in r.stderr
    for sid in ("fm-thu", "xom-a"):  # every station still has its day
        entries = _playlist_entries(out / "playlists" / "2026-11-25" / f"{sid}.m3u8")
        assert entries and all(path.is_file() for _, path in entries)
    check = run("check", "--root", str(small_root))
    assert check.returncode == 2 and "hong.md" in check.stderr


def test_check_decodes_custom_jingles(small_root):
    (small_root / "jingles").mkdir(exist_ok=True)
    (small_root / "jingles" / "hong.mp3").write_bytes(b"ID3 not really an mp3" * 50)
    st = small_root / "schedules" / "stations.yaml"
    st.write_text(
        st.read_text(encoding="utf-8").replace(
            "    kind: fm\n", "    kind: fm\n    jingles: {intro: jingles/hong.mp3}\n", 1
        ),
        encoding="utf-8",
    )
    r = run("check", "--root", str(small_root))
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "jingles/hong.mp3" in r.stderr and "fm-thu" in r.stderr and "Cách sửa" in r.stderr
