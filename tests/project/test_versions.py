"""The version store: every version kept by its hash, loadable after the file changed."""

from __future__ import annotations

from pathlib import Path

from broadcast.project.approval import file_hash
from broadcast.project.scripts import load_script
from broadcast.project.versions import keep_file, keep_script, kept, load_kept, versions_dir

RECORDED = """---
id: ban-ghi
title: Bản tin thu âm
topic: thử
directive: {number: 818/STTTT-TTBCVT, issuer: Sở TT&TT}
recording: ban-ghi.wav
---
Bà con chú ý.
"""


def test_a_kept_version_loads_as_it_was_after_the_file_is_edited(small_root: Path) -> None:
    path = small_root / "scripts" / "noi-trinh-bao.md"
    before = path.read_bytes()
    item = keep_script(small_root, load_script(path))
    assert item.version == file_hash(path)  # the approval book's version
    assert item.text == versions_dir(small_root) / f"{item.version}.txt"
    assert item.text.read_bytes() == before
    path.write_text(path.read_text("utf-8").replace("Bà con", "Nhân dân"), encoding="utf-8")
    old = load_kept(small_root, "noi-trinh-bao", item.version)
    assert old is not None and old.version == item.version
    assert old.text == load_script_from(before, path).text and "Nhân dân" not in old.text
    assert old.path == path  # messages name the script's own file
    assert keep_file(small_root, path).version == file_hash(path) != item.version
    assert kept(small_root, item.version).text.read_bytes() == before  # never rewritten


def load_script_from(data: bytes, path: Path):  # type: ignore[no-untyped-def]
    from broadcast.project.scripts import parse_script

    return parse_script(data.decode("utf-8"), path)


def test_a_recorded_version_keeps_its_recording_under_its_own_name(tmp_path: Path) -> None:
    root = tmp_path
    scripts = root / "scripts"
    scripts.mkdir()
    path = scripts / "ban-ghi.md"
    path.write_text(RECORDED, encoding="utf-8")
    (scripts / "ban-ghi.wav").write_bytes(b"first take")
    first = keep_file(root, path)
    assert first is not None and first.version == file_hash(path)
    assert first.recording is not None and first.recording.name == "ban-ghi.wav"
    (scripts / "ban-ghi.wav").write_bytes(b"second take")  # a new recording, same name
    assert file_hash(path) != first.version
    old = load_kept(root, "ban-ghi", first.version)
    assert old is not None and old.recording is not None
    assert old.recording.read_bytes() == b"first take" and old.recording.name == "ban-ghi.wav"
    # the recording went away on disk: the kept version still loads and airs its copy
    (scripts / "ban-ghi.wav").unlink()
    assert load_kept(root, "ban-ghi", first.version) is not None


def test_a_version_never_kept_is_none(small_root: Path) -> None:
    assert kept(small_root, "0" * 64) is None
    assert load_kept(small_root, "noi-trinh-bao", "") is None
