"""A long recording is prepared a chunk at a time (issue 23): the same audio as the
whole-array path, with memory that does not grow with its length."""

from __future__ import annotations

import subprocess
import sys
import wave
from pathlib import Path

import numpy as np
import pytest

from broadcast.audio import recording

RATE = recording.DECODE_RATE


def _write_wav(path: Path, x: np.ndarray) -> None:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes((np.clip(x, -1, 1) * 32767).astype("<i2").tobytes())


def _speech_with_hum(seconds: float) -> np.ndarray:
    t = np.arange(int(seconds * RATE)) / RATE
    voice = 0.3 * np.sin(2 * np.pi * 440 * t) * ((t % 0.3) < 0.25)
    return voice + 0.1 * np.sin(2 * np.pi * 50 * t)


def test_streamed_preparation_matches_the_whole_array_one(tmp_path: Path) -> None:
    x = np.concatenate([np.zeros(RATE), _speech_with_hum(25.0), np.zeros(2 * RATE)])
    path = tmp_path / "ban-ghi.wav"
    _write_wav(path, x)
    whole = recording.prepare(*recording.load(path, tmp_path / "a.md", 3))
    streamed = recording.prepare_file(path, tmp_path / "a.md", 3)
    got = streamed[0 : len(streamed)].astype(np.float64) / 32768.0
    assert abs(len(streamed) - whole.size) <= RATE // 100  # the same trim, to a frame
    n = min(got.size, whole.size)
    assert np.sqrt(np.mean((got[:n] - whole[:n]) ** 2)) < 0.003  # the same filter
    # the hum is gone in the streamed one too: its 50 Hz share is tiny
    spectrum = np.abs(np.fft.rfft(got))
    freqs = np.fft.rfftfreq(got.size, 1 / RATE)
    assert spectrum[np.abs(freqs - 50) < 2].max() < 0.01 * spectrum[np.abs(freqs - 440) < 2].max()
    codes = [f.code for f in recording.file_findings(streamed, words=60)]
    assert codes == [f.code for f in recording.findings(x, whole, RATE, words=60)]
    streamed.close()


def test_a_long_wav_is_prepared_with_bounded_memory(tmp_path: Path) -> None:
    # 10 minutes at 44.1 kHz: the 50 MB upload bound as WAV; whole as float it is 200+ MB
    path = tmp_path / "dai.wav"
    _write_wav(path, np.tile(_speech_with_hum(10.0), 60))
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from broadcast.audio import recording as rec\n"
        "p = rec.prepare_file(Path(sys.argv[1]), Path('x.md'), 1)\n"
        "found = rec.file_findings(p, 1400)\n"
        # this process's own high-water mark (ru_maxrss would start at pytest's size)
        "hwm = [l for l in open('/proc/self/status') if l.startswith('VmHWM')][0]\n"
        "print(round(p.seconds), int(hwm.split()[1]) // 1024)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True
    )
    seconds, peak_mb = map(int, out.stdout.split())
    assert 595 <= seconds <= 600
    assert peak_mb < 150, f"peak {peak_mb} MB for a 10-minute recording"


def test_measuring_gives_the_prepared_figures_in_one_pass_per_file(tmp_path, monkeypatch):
    """check and plan measure a recording without keeping its samples: the same length,
    loudness and clipping as the airable audio, and a file read once per process."""
    x = np.concatenate([np.zeros(RATE), 0.9 * _speech_with_hum(20.0), np.zeros(RATE // 2)])
    x[5 * RATE : 5 * RATE + 400] = 1.0  # a clipped stretch
    path = tmp_path / "ban-ghi.wav"
    _write_wav(path, x)
    prepared = recording.prepare_file(path, tmp_path / "a.md", 3)
    reads = []
    real = recording._decoded
    monkeypatch.setattr(recording, "_decoded", lambda *a: reads.append(a) or real(*a))
    measured = recording.measure_file(path, tmp_path / "a.md", 3)
    assert abs(measured.seconds - prepared.seconds) < 0.011  # the same trim, to a frame
    assert abs(measured.loudness() - prepared.loudness()) < 0.2
    assert measured.clipped == prepared.clipped > 0
    assert measured.raw_samples == prepared.raw_samples == x.size
    words = round(prepared.seconds / 60 * 130)
    codes = [f.code for f in recording.file_findings(measured, words, 15.0)]
    assert codes == [f.code for f in recording.file_findings(prepared, words, 15.0)]
    assert codes == ["too_long"]
    assert recording.measure_file(path, tmp_path / "a.md", 3) is measured
    assert len(reads) == 1
    _write_wav(path, x[: 10 * RATE])  # a new take: measured again
    assert recording.measure_file(path, tmp_path / "a.md", 3).seconds < 10
    assert len(reads) == 2
    prepared.close()


def test_a_projects_recording_is_decoded_once_then_read_from_its_kept_figures(
    tmp_path, monkeypatch
):
    """The next command (a new process) reads the figures kept in the project by the
    file's content; damaged kept figures are measured again, never believed."""
    scripts = tmp_path / "project" / "scripts"
    scripts.mkdir(parents=True)
    path = scripts / "ban-ghi.wav"
    _write_wav(path, np.concatenate([np.zeros(RATE // 2), _speech_with_hum(6.0)]))
    first = recording.measure_file(path, scripts / "a.md", 3)
    kept = list((tmp_path / "project" / recording.MEASURED_DIR).glob("*.json"))
    assert len(kept) == 1
    monkeypatch.setattr(recording, "_MEASURED", {})  # as in the next command

    def no_decoding(*_a):  # type: ignore[no-untyped-def]
        raise AssertionError("decoded again")

    monkeypatch.setattr(recording, "_decoded", no_decoding)
    assert recording.measure_file(path, scripts / "a.md", 3) == first
    kept[0].write_text('{"rate": 44100, "samples": "x"}', encoding="utf-8")
    monkeypatch.setattr(recording, "_MEASURED", {})
    with pytest.raises(AssertionError, match="decoded again"):
        recording.measure_file(path, scripts / "a.md", 3)
