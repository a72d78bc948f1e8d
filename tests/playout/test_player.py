"""With no --player, the daemon picks a player that exists on this machine; the bundled
one fades out when cut (real audio, written to a WAV sink instead of PulseAudio)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from broadcast.audio.ffmpeg import ffmpeg_exe
from broadcast.playout import fader
from broadcast.playout import player as daemon

REPO = Path(__file__).resolve().parents[2]


def test_first_installed_player_wins(monkeypatch):
    monkeypatch.setattr(daemon.shutil, "which", lambda p: "/usr/bin/mpv" if p == "mpv" else None)
    assert daemon.default_player().startswith("mpv ")


def test_without_any_player_the_bundled_fader_plays_to_pulseaudio(monkeypatch):
    monkeypatch.setattr(daemon.shutil, "which", lambda p: None)
    cmd = daemon.command(daemon.DEFAULT_PLAYER, Path("/x/a.mp3"), "s", fade_s=0.4)
    assert os.access(cmd[0], os.X_OK) and cmd[1:3] == ["-m", "broadcast.playout.fader"]
    assert cmd[3:] == ["/x/a.mp3", "--fade", "0.4"]
    assert "-f pulse" in fader.SINK and os.access(ffmpeg_exe(), os.X_OK)  # nothing to install


def test_fade_gains_fall_linearly_to_zero_and_stay_there():
    g = fader.gains(1.0, 0.25, 6)
    assert g.tolist() == [0.75, 0.5, 0.25, 0.0, 0.0, 0.0]


def rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(x, dtype=np.float64))))


@pytest.mark.slow
@pytest.mark.parametrize("cut_at", [0.8])
def test_bundled_player_fades_out_when_cut_instead_of_a_hard_cut(tmp_path, cut_at):
    tone = tmp_path / "tone.wav"
    subprocess.run(
        [ffmpeg_exe(), "-loglevel", "error", "-f", "lavfi", "-i",
         "sine=frequency=440:duration=8", "-ar", "44100", str(tone)],
        check=True,
    )  # fmt: skip
    wav = tmp_path / "heard.wav"
    sink = f"{{ffmpeg}} -nostdin -loglevel error -f s16le -ar 44100 -ac 2 -i - -y {wav}"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "broadcast.playout.fader", str(tone), "--fade", "0.5",
         "--sink", sink],
        env=env,
    )  # fmt: skip
    deadline = time.monotonic() + 20
    while not (wav.exists() and wav.stat().st_size > 0) and time.monotonic() < deadline:
        time.sleep(0.02)  # playing has begun (start-up is slow on a busy machine)
    time.sleep(cut_at)  # real-time playback: let some of it play
    proc.send_signal(signal.SIGUSR1)
    assert proc.wait(10) == 0
    audio, rate = sf.read(wav)
    left = audio[:, 0]
    block = rate // 10
    levels = [rms(left[i : i + block]) for i in range(0, len(left) - block + 1, block)]
    full = rms(left[: rate // 5])
    assert full > 0.05  # the tone (lavfi sine: amplitude 1/8) played at its level
    assert len(left) / rate < 8.0 - 2.0  # cut well before the end of the 8 s tone
    tail = left[-(rate // 2) :]
    # the last half second falls steadily (a fade), down to silence at the very end
    halves = [
        rms(tail[i : i + rate // 10]) for i in range(0, rate // 2 - rate // 10 + 1, rate // 10)
    ]
    assert all(b < a for a, b in zip(halves, halves[1:], strict=False)), halves
    assert rms(left[-rate // 50 :]) < 0.05 * full
    assert max(levels[:-6]) == pytest.approx(full, rel=0.05)
