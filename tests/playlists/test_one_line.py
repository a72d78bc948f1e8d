"""A title or a name is one line everywhere a line is an entry (issue 23, "every writer is
safe for any string check accepts"): a quoted "\\n" in a script's title wrote three lines
into the M3U8, one of them a new entry playing an address of the writer's choosing."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from broadcast.playlists.m3u8 import Entry, render_m3u8
from broadcast.project.scripts import parse_script
from tests.cli_run import run_broadcast

INJECTED = "Tài khoản\n#EXTINF:1,giả\nhttp://x/y.mp3"
BREAKS = ["\n", "\r", "\r\n", "\u2028", "\u2029", "\x85", "\x0b", "\x1c"]


def _quoted(text: str) -> str:
    """``text`` as a double-quoted YAML scalar with escapes (as an attacker writes it)."""
    return '"' + text.encode("unicode_escape").decode("ascii").replace('"', '\\"') + '"'


@pytest.mark.parametrize(
    ("rel", "indent", "field"),
    [
        ("scripts/ban-tai-khoan.md", "", "title"),
        ("scripts/ban-tai-khoan.md", "", "topic"),
        ("schedules/stations.yaml", "    ", "name"),
        ("schedules/stations.yaml", "", "commune"),
    ],
)
def test_check_refuses_a_line_break_in_a_one_line_field(project_root, capsys, rel, indent, field):
    path = project_root / rel
    new = f"{indent}{field}: {_quoted(INJECTED)}"
    text, n = re.subn(
        rf"^{indent}{field}: .*$", lambda m: new, path.read_text(encoding="utf-8"), count=1,
        flags=re.M,
    )  # fmt: skip
    assert n == 1
    path.write_text(text, encoding="utf-8")
    code, output = run_broadcast(["check", "--root", str(project_root)], capsys)
    assert code == 2, output
    assert f"'{field}': có chỗ xuống dòng" in output, output
    assert path.name in output and "Cách sửa: viết cả mục trên một dòng" in output
    assert "Traceback" not in output


def test_a_folded_title_of_yesterdays_files_still_loads():
    text = (
        "---\nid: thu\ntitle: >\n  Cảnh giác\n  cuộc gọi lạ\ntopic: thử\n"
        "directive: {number: 1/UBND, issuer: UBND xã}\n---\nBà con chú ý.\n"
    )
    script = parse_script(text, Path("scripts/thu.md"))
    assert script.meta.title == "Cảnh giác cuộc gọi lạ"


@pytest.mark.parametrize("brk", BREAKS)
def test_the_m3u8_writer_keeps_every_title_on_its_line(tmp_path, brk):
    """Whatever a title holds (an older running order, a CAP alert), each entry is two
    lines: its #EXTINF and its file; no reader that splits lines sees a third."""
    folder = tmp_path / "playlists" / "2026-11-25"
    folder.mkdir(parents=True)
    start = dt.datetime(2026, 11, 25, 5, 30)
    entries = [
        Entry(
            start=start + dt.timedelta(minutes=i),
            slot=dt.time(5, 30),
            path=tmp_path / "bulletins" / f"b{i}.mp3",
            duration_s=60.0,
            title=INJECTED.replace("\n", brk),
            script_id="ban-tai-khoan",
            source="thu",
            priority="normal",
            directive="1/UBND",
            engine="espeak",
        )
        for i in range(2)
    ]
    text = render_m3u8(entries, folder / "fm.m3u8", f"Đài{brk}#EXTM3U xã")
    lines = text.splitlines()
    assert lines[0] == "#EXTM3U" and lines[1].startswith("#PLAYLIST:Đài")
    assert len(lines) == 2 + 2 * len(entries), lines
    assert [ln for ln in lines if ln.startswith("#EXTINF")] == lines[2::2]
    assert lines[3::2] == ["../../bulletins/b0.mp3", "../../bulletins/b1.mp3"]
    assert all("giả" in ln and "x/y.mp3" in ln for ln in lines[2::2])


def test_a_unicode_line_separator_in_a_body_is_read_as_a_line_break():
    text = (
        "---\nid: thu\ntitle: Thử\ntopic: thử\ndirective: {number: 1/UBND, issuer: UBND xã}\n"
        "---\nBà con chú ý.\u2028Gọi 156.\n"
    )
    script = parse_script(text, Path("scripts/thu.md"))
    assert "\u2028" not in script.text and "Gọi 156" in script.text
    assert any("U+2028" in note for note in script.notes)
