"""What a listener or a broadcast engineer would check in a file, measured by ffmpeg.

Independent of our own loudness code: ffmpeg's ebur128 filter measures integrated
loudness and true peak; duration and silence come from the decoded samples.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import imageio_ffmpeg
import numpy as np


@dataclass
class Measured:
    duration_s: float
    lufs: float
    true_peak_db: float
    sample_rate: int
    channels: int
    rms_db: float
    silent_fraction: float  # share of 100 ms blocks below -50 dBFS


def measure(path: Path) -> Measured:
    exe = imageio_ffmpeg.get_ffmpeg_exe()
    proc = subprocess.run(
        [
            exe,
            "-hide_banner",
            "-nostdin",
            "-i",
            str(path),
            "-af",
            "ebur128=peak=true",
            "-f",
            "null",
            "-",
        ],
        capture_output=True,
        check=True,
    )
    err = proc.stderr.decode("utf-8", "replace")
    lufs = float(re.findall(r"I:\s+(-?[\d.]+|-inf) LUFS", err)[-1])
    peak = float(re.findall(r"Peak:\s+(-?[\d.]+|-inf) dBFS", err)[-1])
    m = re.search(r"Audio: \w+, (\d+) Hz, (mono|stereo)", err)
    assert m, err
    rate, channels = int(m.group(1)), 1 if m.group(2) == "mono" else 2
    raw = subprocess.run(
        [exe, "-hide_banner", "-nostdin", "-i", str(path), "-f", "s16le", "-ac", "1", "-"],
        capture_output=True,
        check=True,
    ).stdout
    x = np.frombuffer(raw, dtype="<i2").astype(np.float64) / 32768
    block = rate // 10
    blocks = x[: len(x) // block * block].reshape(-1, block)
    with np.errstate(divide="ignore"):
        block_db = 10 * np.log10(np.mean(blocks**2, axis=1) + 1e-20)
        rms_db = 10 * np.log10(np.mean(x**2) + 1e-20)
    return Measured(
        duration_s=len(x) / rate,
        lufs=lufs,
        true_peak_db=peak,
        sample_rate=rate,
        channels=channels,
        rms_db=float(rms_db),
        silent_fraction=float(np.mean(block_db < -50)) if len(block_db) else 1.0,
    )
