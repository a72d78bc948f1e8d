"""The check an uploaded recording passes before it is saved (issue 20): what it is (by
its content, not its name), how long, and a message an officer acts on when it is not
audio."""

from __future__ import annotations

import subprocess
from pathlib import Path

import imageio_ffmpeg
import pytest

from broadcast.audio.probe import probe
from broadcast.errors import InputError


def _tone(path: Path, seconds: float = 3.0, rate: str = "44100", *extra: str) -> Path:
    subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y"]
        + ["-f", "lavfi", "-i", f"sine=f=440:d={seconds}", "-ar", rate, "-ac", "1"]
        + [*extra, str(path)],
        check=True,
        capture_output=True,
    )
    return path


@pytest.mark.parametrize(
    ("ext", "suffix"),
    [
        ("mp3", ".mp3"),
        ("wav", ".wav"),
        ("m4a", ".m4a"),
        ("ogg", ".ogg"),
        ("opus", ".ogg"),
        ("amr", ".amr"),
        ("flac", ".flac"),
        ("webm", ".webm"),
    ],
)
def test_what_phones_browsers_and_the_district_send_is_recognised(
    tmp_path: Path, ext: str, suffix: str
) -> None:
    rate = {"amr": "8000", "opus": "48000", "webm": "48000"}.get(ext, "44100")
    path = _tone(tmp_path / f"ban-ghi.{ext}", 3.0, rate)
    found = probe(path, path.name)
    assert found.suffix == suffix
    assert found.seconds == pytest.approx(3.0, abs=0.1)


def test_the_kind_comes_from_the_content_not_the_name(tmp_path: Path) -> None:
    wav = _tone(tmp_path / "tam.wav")
    named_mp3 = tmp_path / "ban-ghi.mp3"
    wav.rename(named_mp3)
    assert probe(named_mp3, "ban-ghi.mp3").suffix == ".wav"


@pytest.mark.parametrize(
    "content",
    [
        b"",
        "Công văn số 3316/UBND-VHTT\n".encode() * 50,
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + b"0" * 2000,
        b"PK\x03\x04" + b"\0" * 2000,  # a Word file (a ZIP)
    ],
    ids=["empty", "text", "pdf", "docx"],
)
def test_a_file_that_is_not_audio_is_refused_in_words_an_officer_acts_on(
    tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "upload"
    path.write_bytes(content)
    with pytest.raises(InputError) as err:
        probe(path, "cong-van.docx")
    msg = err.value.message
    assert "Tệp «cong-van.docx» không phải tệp âm thanh đọc được" in msg
    assert "Cách sửa: chọn một tệp ghi âm (MP3, WAV, M4A, OGG, AMR)" in msg


def test_a_picture_has_no_sound_and_says_so(tmp_path: Path) -> None:
    png = tmp_path / "anh.png"
    subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y"]
        + ["-f", "lavfi", "-i", "color=c=red:s=32x32", "-frames:v", "1", str(png)],
        check=True,
        capture_output=True,
    )
    with pytest.raises(InputError) as err:
        probe(png, "anh.png")
    assert "(không có tiếng)" in err.value.what


def test_a_file_ffmpeg_cannot_finish_reading_is_refused_not_waited_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from broadcast.audio import probe as module

    def slow(cmd, **kwargs):
        raise subprocess.TimeoutExpired(cmd, kwargs["timeout"])

    monkeypatch.setattr(module.subprocess, "run", slow)
    with pytest.raises(InputError) as err:
        probe(tmp_path / "x.mp3", "x.mp3")
    assert "đọc quá 120 giây chưa xong" in err.value.what
