from __future__ import annotations

import os
import stat

import pytest

from broadcast.files import atomic


def test_write_replaces_whole_file_and_leaves_no_temp(tmp_path):
    target = tmp_path / "a" / "list.m3u8"
    atomic.write_text(target, "one\n")
    atomic.write_text(target, "two\n")
    assert target.read_text() == "two\n"
    assert [p.name for p in target.parent.iterdir()] == ["list.m3u8"]


def test_failed_writer_keeps_previous_file(tmp_path):
    target = tmp_path / "list.m3u8"
    atomic.write_text(target, "previous\n")

    def broken(tmp):
        tmp.write_text("half a playl")
        raise RuntimeError("crash")

    with pytest.raises(RuntimeError):
        atomic.write_with(target, broken)
    assert target.read_text() == "previous\n"
    assert [p.name for p in tmp_path.iterdir()] == ["list.m3u8"]


def test_published_files_are_readable_by_others_like_any_new_file(tmp_path):
    """Temp files are private (0600); what is published must follow the umask (0644),
    or a player or share running as another user cannot open the MP3."""
    target = tmp_path / "ban-tin.mp3"
    atomic.write_bytes(target, b"ID3")
    plain = tmp_path / "plain"
    plain.write_bytes(b"x")
    assert stat.S_IMODE(target.stat().st_mode) == stat.S_IMODE(plain.stat().st_mode)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~atomic._UMASK
    if atomic._UMASK == 0o022:
        assert os.access(target, os.R_OK) and target.stat().st_mode & stat.S_IROTH


def test_errors_name_the_target_not_the_temp_file(tmp_path):
    target = tmp_path / "bao-cao.md"
    target.mkdir()
    with pytest.raises(IsADirectoryError) as err:
        atomic.write_text(target, "x")
    assert err.value.filename == str(target)
    assert [p.name for p in tmp_path.iterdir()] == ["bao-cao.md"]
