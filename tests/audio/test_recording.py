"""Recorded bulletins, audio side (issue 20): trim, high-pass, findings, errors."""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from broadcast.audio import recording
from broadcast.errors import ScriptError

RATE = 16_000


def _tone(seconds: float, freq: float = 440.0, amp: float = 0.3) -> np.ndarray:
    t = np.arange(int(seconds * RATE)) / RATE
    return (amp * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def _speechlike(seconds: float) -> np.ndarray:
    # 440 Hz voiced bursts of 0.25 s separated by 0.05 s gaps, plus 50 Hz rumble
    x = _tone(seconds)
    gate = (np.arange(x.size) % int(0.3 * RATE)) < int(0.25 * RATE)
    return (x * gate + _tone(seconds, 50.0, 0.2)).astype(np.float32)


def test_trim_cuts_leading_and_trailing_silence() -> None:
    body = _tone(3.0)
    x = np.concatenate([np.zeros(2 * RATE, np.float32), body, np.zeros(RATE, np.float32)])
    out = recording.trim_silence(x, RATE)
    assert 3.0 <= out.size / RATE <= 3.12


def test_all_silence_trims_to_nothing_and_is_flagged_quiet() -> None:
    x = np.zeros(RATE, np.float32)
    prepared = recording.prepare(x, RATE)
    assert prepared.size == 0
    codes = [f.code for f in recording.findings(x, prepared, RATE, words=0)]
    assert codes == ["quiet"]


def test_high_pass_removes_rumble_keeps_voice() -> None:
    rumble = _tone(2.0, 40.0)
    voice = _tone(2.0, 440.0)
    assert np.sqrt(np.mean(recording.high_pass(rumble, RATE) ** 2)) < 0.01
    kept = np.sqrt(np.mean(recording.high_pass(voice, RATE) ** 2))
    assert kept == pytest.approx(np.sqrt(np.mean(voice**2)), rel=0.02)


def test_clipped_recording_is_flagged() -> None:
    x = np.clip(_tone(5.0, amp=2.0), -1.0, 1.0)
    codes = [f.code for f in recording.findings(x, recording.prepare(x, RATE), RATE, words=10)]
    assert "clipped" in codes


def test_quiet_recording_is_flagged_and_normal_is_not() -> None:
    quiet = _speechlike(10.0) * 0.003
    normal = _speechlike(10.0)
    q = recording.findings(quiet, recording.prepare(quiet, RATE), RATE, words=25)
    n = recording.findings(normal, recording.prepare(normal, RATE), RATE, words=25)
    assert [f.code for f in q] == ["quiet"]
    assert n == []


@pytest.mark.parametrize(("words", "flagged"), [(5, True), (15, False), (35, False), (60, True)])
def test_length_must_fit_the_text(words: int, flagged: bool) -> None:
    x = _speechlike(10.0)  # 10 s: 80..220 wpm is 13..36 words
    out = recording.findings(x, recording.prepare(x, RATE), RATE, words=words)
    messages = [f.message for f in out if f.code == "mismatch"]
    assert bool(messages) is flagged
    if flagged:
        assert recording.MISMATCH in messages[0]


def test_longer_than_every_session_is_flagged() -> None:
    x = _speechlike(10.0)
    out = recording.findings(x, recording.prepare(x, RATE), RATE, words=25, longest_session_s=8)
    assert [f.code for f in out] == ["too_long"]


def test_version_changes_with_text_or_audio() -> None:
    v = recording.version("a", b"xyz")
    assert v != recording.version("b", b"xyz")
    assert v != recording.version("a", b"xyw")
    assert v == recording.version("a", b"xyz")


def test_load_reads_a_wav(tmp_path: Path) -> None:
    path = tmp_path / "ban-tin.wav"
    pcm = (_tone(1.5) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(pcm.tobytes())
    samples, rate = recording.load(path, tmp_path / "a.txt", 3)
    assert rate == recording.DECODE_RATE  # every file comes out at one rate
    assert samples.size / rate == pytest.approx(1.5, abs=0.01)


@pytest.mark.parametrize("content", [None, b"this is not audio at all"])
def test_missing_or_broken_file_names_script_line_and_fix(
    tmp_path: Path, content: bytes | None
) -> None:
    path = tmp_path / "ten-tep.mp3"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(ScriptError) as err:
        recording.load(path, tmp_path / "lua-dao.txt", 4)
    msg = err.value.message
    assert "ten-tep.mp3" in msg and "lua-dao.txt, dòng 4" in msg and "Cách sửa" in msg


@pytest.mark.parametrize("ext", ["mp3", "m4a", "ogg", "opus", "flac", "amr", "wav"])
def test_what_phones_and_the_district_send_decodes(tmp_path: Path, ext: str) -> None:
    import subprocess

    import imageio_ffmpeg

    path = tmp_path / f"ban-ghi.{ext}"
    rate = {"amr": "8000", "opus": "48000"}.get(ext, "44100")
    subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y"]
        + ["-f", "lavfi", "-i", "sine=f=440:d=3", "-ar", rate, "-ac", "1", str(path)],
        check=True,
        capture_output=True,
    )
    samples, got = recording.load(path, tmp_path / "ban-ghi.md", 6)
    assert got == recording.DECODE_RATE
    assert samples.size / got == pytest.approx(3.0, abs=0.06)
    assert 0.05 < float(np.abs(samples).max()) < 1.0


def test_mains_hum_is_removed_and_does_not_hold_the_silence() -> None:
    hum = _tone(4.0, 50.0, 0.05)  # Vietnam's mains, loud enough to keep "silence" on air
    assert np.sqrt(np.mean(recording.high_pass(hum, RATE) ** 2)) < 0.001  # under -60 dBFS
    x = np.concatenate([np.zeros(RATE, np.float32), _tone(2.0), np.zeros(RATE, np.float32)])
    out = recording.prepare(x + _tone(4.0, 50.0, 0.05), RATE)
    assert 2.0 <= out.size / RATE <= 2.12


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=1, max_value=5_000))
def test_the_fft_length_is_the_smallest_5_smooth_one_not_shorter(n: int) -> None:
    def smooth(m: int) -> bool:
        for p in (2, 3, 5):
            while m % p == 0:
                m //= p
        return m == 1

    got = recording.fast_length(n)
    assert got >= n and smooth(got)
    assert not any(smooth(m) for m in range(n, got))
