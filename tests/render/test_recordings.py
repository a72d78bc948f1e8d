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


def test_an_espeak_reading_saved_as_m4a_trims_to_its_speech_and_passes(root: Path) -> None:
    """Real speech, as a phone would save it: padding and hum go, check says nothing."""
    import subprocess

    import imageio_ffmpeg
    import numpy as np

    from broadcast.render.renderer import Renderer
    from broadcast.speech.espeak import EspeakEngine
    from broadcast.text.spoken import spoken
    from tests.build.test_recorded_bulletins import TEXT

    said = EspeakEngine().synthesize(spoken(TEXT, "north", {}), "vi", 150)
    rate = said.frame_rate
    speech = np.frombuffer(said.raw_data, dtype="<i2").astype(np.float32) / 32768
    x = np.concatenate([np.zeros(2 * rate, np.float32), speech, np.zeros(2 * rate, np.float32)])
    x += (0.01 * np.sin(2 * np.pi * 50 * np.arange(x.size) / rate)).astype(np.float32)
    subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y"]
        + ["-f", "s16le", "-ar", str(rate), "-ac", "1", "-i", "pipe:0"]
        + [str(root / "scripts" / "doc-thu.m4a")],
        input=(np.clip(x, -1, 1) * 32767).astype("<i2").tobytes(),
        check=True,
        capture_output=True,
    )
    recorded_script(root, "ban-ghi", "doc-thu.m4a")
    project = load_project(root)
    assert recording_warnings(project) == []
    aired = Renderer(project, root / "out").recording_audio(project.scripts["ban-ghi"])
    # eSpeak's own leading and trailing quiet may go too; the 4 s of padding must
    assert said.duration_seconds - 0.6 <= aired.duration_seconds <= said.duration_seconds + 0.2
