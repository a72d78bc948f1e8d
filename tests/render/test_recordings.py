"""``broadcast check`` listens to every recording a script names (issue 20)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from broadcast.cli import cli
from broadcast.project.loader import load_project
from broadcast.render.recordings import longest_anywhere_s, recording_warnings
from tests.build.test_recorded_bulletins import officer_recording, recorded_script


def check(root: Path) -> tuple[int, str, str]:
    r = CliRunner(mix_stderr=False).invoke(
        cli, ["check", "--root", str(root)], catch_exceptions=False
    )
    return r.exit_code, r.stdout, r.stderr


@pytest.fixture
def root(small_root: Path) -> Path:
    return small_root


def test_a_good_recording_gives_no_warning(root: Path) -> None:
    officer_recording(root / "scripts" / "ban-ghi.mp3")
    recorded_script(root)
    code, _, err = check(root)
    assert code == 0
    assert "ban-ghi" not in err


def test_check_flags_a_clipped_recording_naming_the_script(root: Path) -> None:
    officer_recording(root / "scripts" / "ban-ghi.mp3", clip=True)
    path = recorded_script(root)
    code, _, err = check(root)
    assert code == 0  # a warning: the officer decides
    lines = [ln for ln in err.splitlines() if "bị rè" in ln]
    assert len(lines) == 1, err
    assert "ban-ghi.md" in lines[0] and str(path) in lines[0] and "ban-ghi.mp3" in lines[0]
    assert lines[0].startswith("Cảnh báo: ")


def test_check_flags_a_too_quiet_recording(root: Path) -> None:
    officer_recording(root / "scripts" / "nho.mp3", amp=0.01)
    recorded_script(root, "ban-ghi-nho", "nho.mp3")
    _, _, err = check(root)
    lines = [ln for ln in err.splitlines() if "quá nhỏ" in ln]
    assert len(lines) == 1, err
    assert "ban-ghi-nho.md" in lines[0] and "LUFS" in lines[0]
    assert "bị rè" not in err


def test_check_flags_a_recording_that_does_not_fit_its_text(root: Path) -> None:
    officer_recording(root / "scripts" / "ban-ghi.mp3")
    path = recorded_script(root)
    text = path.read_text("utf-8").split("---\n")
    path.write_text("---\n".join(text[:2]) + "---\nBà con chú ý.\n", encoding="utf-8")
    _, _, err = check(root)
    assert "bản ghi có thể không khớp với nội dung" in err
    assert "ban-ghi.md" in err


def test_check_flags_a_recording_longer_than_every_session(root: Path) -> None:
    officer_recording(root / "scripts" / "ban-ghi.mp3")
    recorded_script(root)
    stations = root / "schedules" / "stations.yaml"
    stations.write_text(
        stations.read_text("utf-8").replace(
            "    repeat: 1\n", "    repeat: 1\n    limits: {max_session: 5}\n"
        ),
        encoding="utf-8",
    )
    project = load_project(root)
    assert longest_anywhere_s(project) == 5
    warnings = recording_warnings(project)
    assert any("hơn mọi buổi phát" in w and "ban-ghi.md" in w for w in warnings), warnings


def test_an_undecodable_recording_is_a_warning_that_names_it(root: Path) -> None:
    (root / "scripts" / "hong.mp3").write_bytes(b"not audio at all" * 100)
    recorded_script(root, "ban-ghi", "hong.mp3")
    _, _, err = check(root)
    assert "Không đọc được bản ghi «hong.mp3»" in err
