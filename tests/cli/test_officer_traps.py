"""What an officer trips over (issue 14), each through the real command line.

Every test runs ``broadcast`` the way a commune office does (``main`` with its exit
codes, in-process through click's CliRunner) on a copy of the shipped project, and
checks what the officer reads: the file, the line and the fix, in Vietnamese.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from broadcast.cli import main


@dataclass
class Run:
    code: int
    out: str
    err: str

    @property
    def text(self) -> str:
        return self.out + self.err


def bc(*args: str, stdin: str | None = None) -> Run:
    """Run ``broadcast ARGS`` through the console entry point (exit codes included)."""
    runner = CliRunner(mix_stderr=False)
    code = 0
    with runner.isolation(input=stdin) as streams:
        out, err = streams[0], streams[1]
        try:
            main(list(args))
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        stdout = out.getvalue().decode("utf-8", "replace")
        stderr = err.getvalue().decode("utf-8", "replace") if err is not None else ""
    return Run(code, stdout, stderr)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


SCRIPT = """---
id: {id}
title: Cảnh giác hoàn tiền điện
topic: giả danh điện lực
directive: {{number: 818/STTTT-TTBCVT, date: 11/04/2024, issuer: Sở TT&TT Long An}}
priority: {priority}
---
Bà con chú ý: điện lực không bao giờ gọi điện đề nghị hoàn tiền.
"""


# --- 1. files that are not read -------------------------------------------------------


def test_script_saved_as_md_txt_is_reported_with_the_rename(project_root):
    write(
        project_root / "scripts" / "hoan-tien-dien.md.txt",
        SCRIPT.format(id="hoan-tien-dien", priority="normal"),
    )
    r = bc("check", "--root", str(project_root))
    assert r.code == 2
    assert "hoan-tien-dien.md.txt" in r.err and "không được đọc" in r.err
    assert "đổi tên thành hoan-tien-dien.md" in r.err
    assert "Không có lỗi" not in r.out


def test_build_and_plan_report_unread_files_after_doing_the_rest(small_root, tmp_path):
    write(small_root / "scripts" / "NHAC-NHO.MD", SCRIPT.format(id="nhac-nho", priority="normal"))
    write(small_root / "schedules" / "them.yml", "campaigns: []\n")
    r = bc("plan", "--root", str(small_root), "--date", "2026-11-25")
    assert r.code == 2
    assert "NHAC-NHO.MD" in r.err and "đổi tên thành NHAC-NHO.md" in r.err
    assert "them.yml" in r.err and "đổi tên thành them.yaml" in r.err
    # build does the rest (a date before the campaign: nothing to render) and names them
    r = bc("build", "--date", "2026-01-01", "--root", str(small_root), "--out", str(tmp_path / "o"))
    assert r.code == 2
    assert "Xong:" in r.out and "NHAC-NHO.MD" in r.err and "them.yml" in r.err


def test_render_on_md_txt_names_the_rename_not_an_id_with_a_dot(project_root):
    path = write(
        project_root / "scripts" / "hoan-tien-dien.md.txt",
        SCRIPT.format(id="hoan-tien-dien", priority="normal"),
    )
    r = bc("render", str(path), "--root", str(project_root), "--out", str(project_root / "o"))
    assert r.code == 2
    assert "đổi tên thành hoan-tien-dien.md" in r.err
    assert "id: hoan-tien-dien.md" not in r.err
    assert not (project_root / "o" / "bulletins").exists()


def test_word_document_in_scripts_says_how_to_make_a_script(project_root):
    (project_root / "scripts" / "canh-bao.docx").write_bytes(b"PK\x03\x04 not really")
    r = bc("check", "--root", str(project_root))
    assert r.code == 2
    assert "canh-bao.docx" in r.err and "canh-bao.md" in r.err and "Notepad" in r.err


def test_backups_and_hidden_files_are_not_reported(project_root):
    write(project_root / "scripts" / "noi-trinh-bao.md.bak", "cũ")
    write(project_root / "scripts" / ".~lock.x#", "")
    r = bc("check", "--root", str(project_root))
    assert r.code == 0, r.err


# --- 2. YAML punctuation traps --------------------------------------------------------


def _script_with(project_root: Path, header_line: str, replace: str) -> Path:
    path = project_root / "scripts" / "noi-trinh-bao.md"
    text = path.read_text(encoding="utf-8")
    assert replace in text
    path.write_text(text.replace(replace, header_line, 1), encoding="utf-8")
    return path


def _line_of(path: Path, start: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if line.startswith(start))


def _title_line(project_root: Path) -> str:
    text = (project_root / "scripts" / "noi-trinh-bao.md").read_text(encoding="utf-8")
    return next(line for line in text.splitlines() if line.startswith("title:"))


def test_no_space_after_colon_is_reported_on_its_own_line(project_root):
    path = _script_with(project_root, "title:Cảnh giác", _title_line(project_root))
    r = bc("check", "--root", str(project_root))
    assert r.code == 2
    assert f"{path}, dòng {_line_of(path, 'title:')}" in r.err
    assert "Thiếu dấu cách sau dấu hai chấm" in r.err
    assert 'title: "Cảnh giác"' in r.err


def test_full_width_colon_is_reported_on_its_own_line(project_root):
    path = project_root / "scripts" / "noi-trinh-bao.md"
    text = path.read_text(encoding="utf-8")
    topic = next(line for line in text.splitlines() if line.startswith("topic:"))
    path.write_text(text.replace(topic, "topic：mạo danh", 1), encoding="utf-8")
    r = bc("check", "--root", str(project_root))
    assert r.code == 2
    assert f"{path}, dòng {_line_of(path, 'topic')}" in r.err
    assert 'topic: "mạo danh"' in r.err


def test_curly_quotes_are_straightened_in_the_suggestion(project_root):
    path = _script_with(project_root, "title: “Chú ý: lừa đảo”", _title_line(project_root))
    r = bc("check", "--root", str(project_root))
    assert r.code == 2
    assert f"dòng {_line_of(path, 'title:')}" in r.err
    assert 'title: "Chú ý: lừa đảo"' in r.err
    assert "“" not in r.err.split("Cách sửa")[-1]


def test_misspelt_field_gets_did_you_mean(project_root):
    path = _script_with(project_root, "tittle: Cảnh giác", "title:")
    # the line now reads 'tittle: Cảnh giác <old title>'; the point is the name
    r = bc("check", "--root", str(project_root))
    assert r.code == 2
    assert "'tittle'" in r.err and "có phải ý là 'title'" in r.err
    assert "thiếu mục bắt buộc 'title'" not in r.err  # one mistake, one message
    assert f"dòng {_line_of(path, 'tittle')}" in r.err


@pytest.mark.parametrize(
    ("word", "level"),
    [
        ("khẩn cấp", "emergency"),
        ("khan cap", "emergency"),
        ("ưu tiên", "priority"),
        ("Thường", "normal"),
        ("bình thường", "normal"),
    ],
)
def test_vietnamese_priority_names_are_accepted(project_root, word, level):
    from broadcast.project.loader import load_project

    write(
        project_root / "scripts" / "hoan-tien-dien.md",
        SCRIPT.format(id="hoan-tien-dien", priority=word),
    )
    r = bc("check", "--root", str(project_root))
    assert r.code == 0, r.err
    assert load_project(project_root).scripts["hoan-tien-dien"].meta.priority.value == level


def test_unknown_priority_lists_the_vietnamese_names_at_its_line(project_root):
    path = write(
        project_root / "scripts" / "hoan-tien-dien.md",
        SCRIPT.format(id="hoan-tien-dien", priority="gấp"),
    )
    r = bc("check", "--root", str(project_root))
    assert r.code == 2
    assert f"dòng {_line_of(path, 'priority')}" in r.err and "khẩn cấp" in r.err


def test_stations_all_is_accepted_like_scripts_all(project_root):
    path = project_root / "schedules" / "chien-dich-lua-dao-truc-tuyen.yaml"
    text = path.read_text(encoding="utf-8")
    assert "stations: [fm-kha-son, cac-xom]" in text
    path.write_text(
        text.replace("stations: [fm-kha-son, cac-xom]", "stations: all"), encoding="utf-8"
    )
    r = bc("check", "--root", str(project_root))
    assert r.code == 0, r.err
    r = bc("plan", "--root", str(project_root), "--date", "2026-11-25", "--station", "xom-moi")
    assert r.code == 0, r.err


# --- 9. empty files ----------------------------------------------------------------------


@pytest.mark.parametrize("content", ["", "  \n\n \t\n"])
def test_empty_schedule_file_is_an_error_naming_it(project_root, content):
    path = project_root / "schedules" / "chien-dich-lua-dao-truc-tuyen.yaml"
    path.write_text(content, encoding="utf-8")
    r = bc("check", "--root", str(project_root))
    assert r.code == 2
    assert str(path) in r.err and "trống" in r.err
    assert "Không có lỗi" not in r.out


def test_empty_script_file_is_an_error_naming_it(project_root):
    path = write(project_root / "scripts" / "hoan-tien-dien.md", "\n")
    r = bc("check", "--root", str(project_root))
    assert r.code == 2
    assert str(path) in r.err and "trống" in r.err


# --- 10. hostile YAML ----------------------------------------------------------------------

BILLION_LAUGHS = """a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
"""


def test_billion_laughs_schedule_is_refused_naming_file_and_line(project_root):
    path = write(project_root / "schedules" / "hostile.yaml", BILLION_LAUGHS)
    r = bc("check", "--root", str(project_root))
    assert r.code == 2
    assert f"{path}, dòng 1" in r.err and "'&'" in r.err


def test_alias_in_script_header_is_refused(project_root):
    path = _script_with(project_root, "title: *tieu-de", _title_line(project_root))
    r = bc("check", "--root", str(project_root))
    assert r.code == 2
    assert f"{path}, dòng {_line_of(path, 'title:')}" in r.err and "ngoặc kép" in r.err


# --- 8. text encodings ---------------------------------------------------------------------


def _legacy_bytes(text: str, encoding: str) -> bytes:
    """``text`` as a TCVN3 or VNI font file would store it (the inverse of our tables)."""
    from broadcast.files.legacy_charsets import tcvn3_table, vni_table

    if encoding == "tcvn3":
        inverse = {v: k for k, v in tcvn3_table().items()}
        # TCVN3 has no byte for a capital with a tone: such files used a capital font
        text = "".join(inverse.get(c, inverse.get(c.lower(), c)) for c in text)
    else:
        inverse = {v: k for k, v in vni_table().items()}
        text = "".join(inverse.get(c, c) for c in text)
    return text.encode("cp1252")


@pytest.mark.parametrize(
    ("raw", "meant"),
    [
        (b"B\xb6o Th\xbeng, M\xad\xeang Kh\xad\xacng", "Bảo Thắng, Mường Khương"),
        ("Xin chaøo caùc baïn, ñeà nghò".encode("cp1252"), "Xin chào các bạn, đề nghị"),
    ],
)
def test_known_legacy_samples_convert(raw, meant):
    from broadcast.files.encodings import guess

    found = guess(raw)
    assert found is not None and found.text == meant


@pytest.mark.parametrize(("encoding", "label"), [("tcvn3", "TCVN3"), ("vni", "VNI")])
def test_legacy_script_is_recognised_and_converted_after_a_preview(project_root, encoding, label):
    path = project_root / "scripts" / "noi-trinh-bao.md"
    original = path.read_text(encoding="utf-8")
    path.write_bytes(_legacy_bytes(original, encoding))
    r = bc("check", "--root", str(project_root))
    assert r.code == 2
    assert label in r.err and f"broadcast convert-encoding {path}" in r.err

    r = bc("convert-encoding", str(path), stdin="n\n")
    assert r.code == 0 and "Chưa ghi gì" in r.out
    assert label in r.out and "Bà con" in r.out  # the officer sees the real text first
    assert path.read_bytes() == _legacy_bytes(original, encoding)

    r = bc("convert-encoding", str(path), stdin="y\n")
    assert r.code == 0, r.err
    backup = path.with_name(path.name + ".bak")
    assert backup.read_bytes() == _legacy_bytes(original, encoding)
    converted = path.read_text(encoding="utf-8")
    if encoding == "vni":
        assert converted == original
    else:  # capitals with a tone come back in lower case (the font did the capitals)
        assert converted.lower() == original.lower()
    assert bc("check", "--root", str(project_root)).code == 0


def test_utf16_without_bom_is_named_utf16_and_converts(project_root):
    path = project_root / "scripts" / "noi-trinh-bao.md"
    original = path.read_text(encoding="utf-8")
    path.write_bytes(original.encode("utf-16-le"))
    r = bc("check", "--root", str(project_root))
    assert r.code == 2
    assert "UTF-16" in r.err and "TCVN3" not in r.err and "convert-encoding" in r.err
    r = bc("convert-encoding", str(path), "--yes")
    assert r.code == 0, r.err
    assert path.read_text(encoding="utf-8") == original


def test_convert_encoding_refuses_a_file_too_big_to_be_a_script(tmp_path, monkeypatch):
    """Issue 23: any file was read whole, a 12 MB video as well as a script."""
    from broadcast.cli import convert_encoding

    monkeypatch.setattr(convert_encoding, "MAX_YAML_BYTES", 1_000)
    path = tmp_path / "video.md"
    path.write_bytes(bytes(range(256)) * 20)
    r = bc("convert-encoding", str(path), "--yes")
    assert r.code == 2 and "quá giới hạn" in r.err and "video.md" in r.err, r.err
    assert path.read_bytes() == bytes(range(256)) * 20


# --- 6. one time syntax everywhere ------------------------------------------------------------


def test_asrun_csv_import_takes_the_times_scripts_and_schedules_take(small_root, tmp_path):
    out = tmp_path / "out"
    csv = write(
        tmp_path / "may-phat.csv",
        "ngay,dai,bat_dau,thoi_luong,kich_ban,chien_dich,cong_van\n"
        "25/11/2026,xom-a,5h30,120,noi-trinh-bao,thu,CV 1\n"
        "25/11/2026,xom-a,6g15,120,noi-trinh-bao,thu,CV 1\n"
        "25/11/2026,xom-a,07:05,120,noi-trinh-bao,thu,CV 1\n"
        "25/11/2026,xom-a,8:40,120,noi-trinh-bao,thu,CV 1\n"
        "25/11/2026,xom-a,17h,120,noi-trinh-bao,thu,CV 1\n"
        "25/11/2026,xom-a,18:00:15,120,noi-trinh-bao,thu,CV 1\n",
    )
    r = bc("asrun", "import", str(csv), "--root", str(small_root), "--out", str(out))
    assert r.code == 0, r.err
    assert "Đã nhập 6 lượt" in r.out
    r = bc("asrun", "show", "--date", "2026-11-25", "--root", str(small_root), "--out", str(out))
    assert r.code == 0, r.err
    for start in ("05:30:00", "06:15:00", "07:05:00", "08:40:00", "17:00:00", "18:00:15"):
        assert f"{start}-" in r.out


def test_asrun_csv_bad_time_names_line_column_and_the_forms(small_root, tmp_path):
    csv = write(
        tmp_path / "may-phat.csv",
        "ngay,dai,bat_dau,thoi_luong,kich_ban,chien_dich,cong_van\n"
        "25/11/2026,xom-a,5 rưỡi,120,noi-trinh-bao,thu,CV 1\n",
    )
    r = bc("asrun", "import", str(csv), "--root", str(small_root), "--out", str(tmp_path / "o"))
    assert r.code == 2
    assert f"{csv}, dòng 2, cột 3" in r.err and "5h30" in r.err


# --- 11. a killed build's temp files ---------------------------------------------------------

_WRITER = """
import sys
from pathlib import Path
from broadcast.files import atomic
with atomic.atomic_path(Path(sys.argv[1])) as tmp:
    tmp.write_bytes(b"half an mp3")
    print(tmp, flush=True)
"""


def _killed_writer(target: Path) -> Path:
    """A process killed (SIGKILL) while writing ``target``: returns the temp it left.

    It crashes at the named point before the rename (broadcast.files.faults), not after a
    delay."""
    import os
    import signal
    import subprocess
    import sys

    env = dict(
        os.environ,
        PYTHONPATH=str(Path(__file__).resolve().parents[2]),
        BROADCAST_FAULT="publish",
    )
    child = subprocess.run(
        [sys.executable, "-c", _WRITER, str(target)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert child.returncode == -signal.SIGKILL, child.stderr
    tmp = Path(child.stdout.strip())
    assert tmp.is_file() and not target.exists()
    return tmp


def test_next_build_removes_a_killed_writers_temp_at_once(small_root, tmp_path):
    from broadcast.files import atomic

    out = tmp_path / "out"
    folder = out / "bulletins" / "xom-a"
    folder.mkdir(parents=True)
    left = _killed_writer(folder / "noi-trinh-bao-0123456789.mp3")
    with atomic.atomic_path(folder / "khong-cung-cap-otp-0123456789.mp3") as writing:
        writing.write_bytes(b"being written by this live process")
        # a date before the campaign: nothing to render, only the clean-up runs
        r = bc("build", "--date", "2026-01-01", "--root", str(small_root), "--out", str(out))
        assert r.code == 0, r.err
        assert not left.exists()  # its process is gone: removed at once, not after an hour
        assert writing.exists()  # a live process owns it


# --- 4. disk full ---------------------------------------------------------------------------------


def test_disk_full_names_the_file_and_what_frees_space_with_sizes(
    small_root, tmp_path, monkeypatch
):
    import errno

    from broadcast.files import atomic

    out = tmp_path / "out"
    cached = out / "cache" / "speech" / "espeak" / "ab" / "ab12.wav"
    cached.parent.mkdir(parents=True)
    cached.write_bytes(b"\0" * 3 * 1024 * 1024)
    old = out / "bulletins" / "xom-a" / "noi-trinh-bao-0000000000.mp3"
    old.parent.mkdir(parents=True)
    old.write_bytes(b"\0" * 1024 * 1024)
    written: list[Path] = []

    def full(tmp: Path, data: bytes) -> None:
        written.append(tmp)
        raise OSError(errno.ENOSPC, "No space left on device", str(tmp))

    monkeypatch.setattr(atomic, "_write_data", full)
    r = bc("build", "--date", "2026-11-25", "--root", str(small_root), "--out", str(out))
    assert r.code == 2, r.err
    assert "Ổ đĩa đầy" in r.err and "No space left" not in r.err
    # the file, not the temp name (the write may have failed in a render process, whose
    # temp names this process never sees)
    named = re.search(r"không ghi được tệp (\S+)\n", r.err)
    assert named, r.err
    target = Path(named.group(1))
    assert target.is_relative_to(out) and not target.name.startswith(".")
    assert ".tmp" not in target.name and ".pid" not in target.name
    # measured sizes: at least what the test put there (speech made before the disk
    # filled is in the cache too: it is written by the speech cache, not atomic writes)
    speech = re.search(r"bộ nhớ tiếng đang chiếm ([\d.]+) MB", r.err)
    old_mp3 = re.search(r"bản tin cũ [^:]*: ([\d.]+) MB", r.err)
    assert speech and old_mp3, r.err
    assert float(speech.group(1)) >= 3.0 and float(old_mp3.group(1)) >= 1.0
    # the bigger one is offered first
    assert r.err.index("cache prune --max-size") < r.err.index("cache prune --bulletins")
    assert not [p for p in written if p.exists()]  # no half file left behind


def test_disk_full_outside_atomic_writes_is_said_in_vietnamese(project_root, monkeypatch):
    import errno
    import importlib

    check_module = importlib.import_module("broadcast.cli.check")

    def full(root):
        raise OSError(errno.ENOSPC, "No space left on device", str(root / "x"))

    monkeypatch.setattr(check_module, "run_check", full)
    r = bc("check", "--root", str(project_root))
    assert r.code == 2
    assert "ổ đĩa đầy" in r.err and "No space" not in r.err and "còn trống" in r.err


# --- 3. a second build waits with a word ---------------------------------------------------------


def test_second_build_says_who_holds_the_output_and_ctrl_c_stops_cleanly(
    small_root, tmp_path, monkeypatch
):
    import os

    from broadcast.build import lock as build_module

    out = tmp_path / "out"
    waited: list[float] = []

    def ctrl_c(lock, timeout):  # the officer presses Ctrl+C while it waits
        waited.append(timeout)
        raise KeyboardInterrupt

    monkeypatch.setattr(build_module, "_wait_for_lock", ctrl_c)
    monkeypatch.setattr("sys.argv", ["broadcast", "build", "--days", "7"])
    with build_module.output_lock(out):  # the first run, still working
        r = bc("build", "--date", "2026-11-25", "--root", str(small_root), "--out", str(out))
    assert waited == [600]
    assert r.code == 130
    first, *_ = r.err.splitlines()
    assert "Một lần chạy khác đang ghi vào" in first and "đang đợi" in first
    assert f"pid {os.getpid()}" in first and '"broadcast build --days 7"' in first
    assert "Đã thôi đợi" in r.err and "chưa ghi gì" in r.err
    assert not (out / "playlists").exists()
    assert not (out / build_module.LOCK_OWNER).exists()  # the first run let go of it


def test_second_build_that_waits_too_long_names_the_holder(small_root, tmp_path, monkeypatch):
    from filelock import Timeout

    from broadcast.build import lock as build_module

    def too_long(lock, timeout):
        raise Timeout(str(lock.lock_file))

    monkeypatch.setattr(build_module, "_wait_for_lock", too_long)
    out = tmp_path / "out"
    with build_module.output_lock(out):
        r = bc("build", "--date", "2026-11-25", "--root", str(small_root), "--out", str(out))
    assert r.code == 4
    assert "đang ghi vào" in r.err and "pid" in r.err and "Cách sửa" in r.err


# --- 5. read-only output -----------------------------------------------------------------------------


def _log_with_plays(small_root: Path, tmp_path: Path) -> Path:
    out = tmp_path / "out"
    csv = write(
        tmp_path / "may-phat.csv",
        "ngay,dai,bat_dau,thoi_luong,kich_ban,chien_dich,cong_van\n"
        "25/11/2026,xom-a,5h30,120,noi-trinh-bao,thu,Công văn số 3316/UBND-VHTT\n",
    )
    assert bc("asrun", "import", str(csv), "--root", str(small_root), "--out", str(out)).code == 0
    return out


def _read_only(out: Path, monkeypatch) -> None:
    """Make ``out`` read-only. Tests may run as root, whom chmod does not stop, so the
    write SQLite would refuse is refused here too, at the one place the log writes."""
    import sqlite3

    from broadcast.report.asrun import AsRunLog

    def refuse(self):
        raise sqlite3.OperationalError("attempt to write a readonly database")

    monkeypatch.setattr(AsRunLog, "_migrate", refuse)
    (out / "asrun.sqlite").chmod(0o444)
    out.chmod(0o555)


def test_report_and_asrun_show_read_a_read_only_output(small_root, tmp_path, monkeypatch):
    out = _log_with_plays(small_root, tmp_path)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    _read_only(out, monkeypatch)
    try:
        r = bc(
            "report",
            "--from",
            "2026-11-01",
            "--to",
            "2026-11-30",
            "--root",
            str(small_root),
            "--out",
            str(out),
        )
        assert r.code == 0, r.err
        assert "3316/UBND-VHTT" in r.out
        r = bc(
            "asrun", "show", "--date", "2026-11-25", "--root", str(small_root), "--out", str(out)
        )
        assert r.code == 0, r.err
        assert "05:30:00" in r.out and "noi-trinh-bao" in r.out
        after = {p.name: p.read_bytes() for p in out.iterdir() if p.name in before}
        assert after == before  # the log is read, never written
        # SQLite's own shared-memory files aside (a read-only folder gets none), nothing new
        assert {p.name for p in out.iterdir()} - set(before) <= {
            "asrun.sqlite-wal",
            "asrun.sqlite-shm",
        }
    finally:
        out.chmod(0o755)


def test_a_command_that_must_write_a_read_only_output_exits_2_naming_it(
    small_root, tmp_path, monkeypatch
):
    out = _log_with_plays(small_root, tmp_path)
    _read_only(out, monkeypatch)
    try:
        r = bc(
            "asrun",
            "confirm",
            "--date",
            "2026-11-25",
            "--station",
            "xom-a",
            "--root",
            str(small_root),
            "--out",
            str(out),
        )
    finally:
        out.chmod(0o755)
    assert r.code == 2
    assert f"thư mục {out} chỉ đọc" in r.err and "Cách sửa" in r.err


def test_build_into_a_read_only_folder_exits_2_naming_it(small_root, tmp_path, monkeypatch):
    import errno

    from broadcast.build import lock as build_module

    out = tmp_path / "out"

    class ReadOnlyFolderLock:  # what opening OUT/.broadcast.lock does on a read-only folder
        def __init__(self, path, timeout=-1):
            self.path = path

        def acquire(self, timeout=None):
            raise PermissionError(errno.EROFS, "Read-only file system", self.path)

    monkeypatch.setattr(build_module, "FileLock", ReadOnlyFolderLock)
    r = bc("build", "--date", "2026-11-25", "--root", str(small_root), "--out", str(out))
    assert r.code == 2
    assert f"thư mục {out} chỉ đọc" in r.err and "Read-only" not in r.err
