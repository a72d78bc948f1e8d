"""Our in-process loudness measure agrees with ffmpeg's, and normalize hits its targets."""

from __future__ import annotations

import subprocess

import numpy as np
import pytest

from broadcast.audio.export import encode_mp3
from broadcast.audio.ffmpeg import ffmpeg_exe
from broadcast.audio.loudness import integrated_loudness, limit, normalize
from broadcast.speech.espeak import EspeakEngine
from tests.audio_checks import measure

RATE = 22050


def _speech(
    text: str = "Bà con chú ý, hãy gọi tổng đài một năm sáu khi nghi ngờ lừa đảo. " * 4,
    voice: str = "vi",
) -> np.ndarray:
    seg = EspeakEngine().synthesize(text, voice, 135)
    return np.frombuffer(seg.raw_data, dtype="<i2").astype(np.float64) / 32768


def _ffmpeg_lufs(samples: np.ndarray, rate: int) -> float:
    pcm = (np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes()
    proc = subprocess.run(
        [
            ffmpeg_exe(),
            "-hide_banner",
            "-f",
            "s16le",
            "-ar",
            str(rate),
            "-ac",
            "1",
            "-i",
            "pipe:0",
            "-af",
            "ebur128",
            "-f",
            "null",
            "-",
        ],
        input=pcm,
        capture_output=True,
        check=True,
    )
    line = [ln for ln in proc.stderr.decode().splitlines() if ln.strip().startswith("I:")][-1]
    return float(line.split()[1])


@pytest.mark.parametrize("voice", ["vi", "vi-VN-x-central", "vi-VN-x-south"])
def test_measure_agrees_with_ffmpeg_on_speech(voice):
    x = _speech(voice=voice)
    assert integrated_loudness(x, RATE) == pytest.approx(_ffmpeg_lufs(x, RATE), abs=0.3)


def test_measure_of_a_tone_matches_the_standard():
    # BS.1770: a 997 Hz sine at full scale reads about -3.0 LUFS.
    t = np.arange(RATE * 5) / RATE
    x = np.sin(2 * np.pi * 997 * t)
    assert integrated_loudness(x, RATE) == pytest.approx(-3.0, abs=0.2)
    assert integrated_loudness(x * 0.1, RATE) == pytest.approx(-23.0, abs=0.2)


def test_silence_has_no_loudness():
    assert integrated_loudness(np.zeros(RATE * 2), RATE) == float("-inf")


def test_limiter_keeps_every_sample_under_the_ceiling_and_leaves_quiet_audio_alone():
    x = _speech()
    y = limit(x * 3.0, RATE, 0.5)
    assert np.max(np.abs(y)) <= 0.5 + 1e-9
    quiet = x * 0.1
    assert np.array_equal(limit(quiet, RATE, 0.9), quiet)


@pytest.mark.parametrize("target,peak", [(-16.0, -1.0), (-23.0, -2.0), (-14.0, -1.0)])
def test_normalized_mp3_meets_target_and_true_peak(tmp_path, target, peak):
    x = _speech()
    y, _ = normalize(x, RATE, target, peak, bitrate=128)
    out = tmp_path / "n.mp3"
    encode_mp3(y, RATE, out, sample_rate=44100, bitrate=128, tags={"title": "thử"})
    m = measure(out)
    assert m.lufs == pytest.approx(target, abs=1.0)
    assert m.true_peak_db <= peak
    assert m.sample_rate == 44100 and m.channels == 1
