"""A script's ``recording:`` header (issue 20): a file in scripts/, never outside it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from broadcast.errors import ScriptError
from broadcast.project.loader import load_scripts
from broadcast.project.scripts import load_script, parse_script

HEAD = """---
id: ban-ghi
title: Bản tin thu âm
topic: thử
directive: {number: 818/STTTT-TTBCVT, issuer: Sở TT&TT}
recording: %s
---
"""


def _script(folder: Path, name: str, body: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "ban-ghi.md"
    path.write_text(HEAD % name + body, encoding="utf-8")
    return path


def test_recording_in_scripts_loads_and_body_may_be_empty(tmp_path: Path) -> None:
    scripts = tmp_path / "scripts"
    path = _script(scripts, "ban-ghi.mp3")
    (scripts / "ban-ghi.mp3").write_bytes(b"ID3 not really audio")
    s = load_script(path)
    assert s.text == ""
    assert s.recording == (scripts / "ban-ghi.mp3").absolute()
    assert s.meta.recording == "ban-ghi.mp3"


def test_old_script_without_recording_loads_unchanged(tmp_path: Path) -> None:
    text = (HEAD % "x").replace("recording: x\n", "") + "Bà con chú ý.\n"
    s = parse_script(text, tmp_path / "ban-ghi.md")
    assert s.recording is None and s.meta.recording is None
    assert s.text == "Bà con chú ý."


def test_empty_body_without_recording_is_still_an_error(tmp_path: Path) -> None:
    text = (HEAD % "x").replace("recording: x\n", "")
    with pytest.raises(ScriptError, match="chưa có nội dung"):
        parse_script(text, tmp_path / "ban-ghi.md")


def test_missing_recording_names_the_script_line_and_fix(tmp_path: Path) -> None:
    path = _script(tmp_path / "scripts", "khong-co.mp3", "Bà con chú ý.\n")
    with pytest.raises(ScriptError) as err:
        load_script(path)
    e = err.value
    assert "khong-co.mp3" in e.what
    assert e.where is not None and str(path) in e.where and "dòng 6" in e.where
    assert e.fix is not None and "scripts/" in e.fix


@pytest.mark.parametrize(
    "name", ["../ngoai.mp3", "/etc/passwd", "C:\\\\ngoai.mp3", "a/../../x.mp3"]
)
def test_a_path_out_of_scripts_is_refused(tmp_path: Path, name: str) -> None:
    (tmp_path / "ngoai.mp3").write_bytes(b"x")
    path = _script(tmp_path / "scripts", name, "Bà con chú ý.\n")
    with pytest.raises(ScriptError) as err:
        load_script(path)
    assert "ngoài thư mục kịch bản" in err.value.what
    assert err.value.fix is not None and "chỉ ghi tên tệp" in err.value.fix
    assert err.value.where is not None and str(path) in err.value.where


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symlinks")
def test_a_link_leading_out_of_scripts_is_refused(tmp_path: Path) -> None:
    (tmp_path / "bi-mat.wav").write_bytes(b"x")
    scripts = tmp_path / "scripts"
    path = _script(scripts, "lien-ket.wav", "Bà con chú ý.\n")
    (scripts / "lien-ket.wav").symlink_to(tmp_path / "bi-mat.wav")
    with pytest.raises(ScriptError, match="trỏ ra ngoài"):
        load_script(path)


def test_audio_files_in_scripts_are_not_reported_as_unread(tmp_path: Path) -> None:
    scripts = tmp_path / "scripts"
    _script(scripts, "ban-ghi.m4a")
    (scripts / "ban-ghi.m4a").write_bytes(b"x")
    (scripts / "ghi-chu.docx").write_bytes(b"x")
    errors: list = []
    found = load_scripts(scripts, errors)
    assert list(found) == ["ban-ghi"]
    assert [Path(str(e.where)).name for e in errors] == ["ghi-chu.docx"]


def test_approval_version_covers_the_recording_and_old_versions_stay(tmp_path: Path) -> None:
    import hashlib

    from broadcast.project.approval import file_hash

    scripts = tmp_path / "scripts"
    path = _script(scripts, "ban-ghi.wav", "Bà con chú ý.\n")
    (scripts / "ban-ghi.wav").write_bytes(b"first take")
    first = file_hash(path)
    assert first != hashlib.sha256(path.read_bytes()).hexdigest()
    (scripts / "ban-ghi.wav").write_bytes(b"second take")
    assert file_hash(path) != first  # a new recording is a new version: a draft again
    plain = tmp_path / "scripts" / "thu.md"
    plain.write_text((HEAD % "x").replace("recording: x\n", "").replace("ban-ghi", "thu") + "A.\n")
    # a script without a recording keeps the version approved before issue 20
    assert file_hash(plain) == hashlib.sha256(plain.read_bytes()).hexdigest()
