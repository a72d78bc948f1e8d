"""A recorded bulletin: an officer's own voice or a file the district sent, made airable.

A script header may say ``recording: ten-tep.mp3``; the file airs in place of the
synthesized body (issue 20). This module holds the audio side only: read the file
(anything ffmpeg decodes), trim leading and trailing silence, remove rumble below 80 Hz,
and say what a culture officer should know before it airs (clipped, too quiet, length that
does not fit the text). The renderer (:mod:`broadcast.render.renderer`) airs what
:func:`prepare` returns between the chimes; ``check`` prints the :func:`findings`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from pydub import AudioSegment

from ..errors import AudioError, ScriptError
from .ffmpeg import run_ffmpeg
from .loudness import integrated_loudness

#: rumble below this is removed (handling noise, wind, mains hum harmonics)
HIGH_PASS_HZ = 80.0
#: a frame (10 ms) quieter than this, relative to full scale, counts as silence
SILENCE_DBFS = -50.0
#: ... or this far below the loudest frame, whichever is lower (a very quiet recording)
TRIM_BELOW_PEAK_DB = 30.0
#: below this integrated loudness before gain a recording is too quiet to lift cleanly
TOO_QUIET_LUFS = -35.0
#: samples at or above this (of full scale) count as clipped
CLIP_LEVEL = 0.999
#: more clipped samples than this share flags the recording
CLIP_SHARE = 0.0005
#: a human reading Vietnamese aloud: outside this the file may not be this text
MIN_WPM, MAX_WPM = 80.0, 220.0
MISMATCH = "bản ghi có thể không khớp với nội dung"


@dataclass(frozen=True)
class Finding:
    """One thing to tell the officer about a recording, before it airs."""

    code: str  # "clipped", "quiet", "mismatch", "too_long"
    message: str


def version(text: str, audio: bytes) -> str:
    """A recorded script's version: the hash of its text and of the audio bytes."""
    h = hashlib.sha256()
    h.update(text.encode("utf-8"))
    h.update(b"\0recording\0")
    h.update(audio)
    return h.hexdigest()[:16]


def high_pass(samples: np.ndarray, rate: int, cutoff: float = HIGH_PASS_HZ) -> np.ndarray:
    """Remove energy below ``cutoff`` Hz with a spectral ramp (no SciPy): nothing passes
    below 3/4 of it (50 Hz mains hum), everything above it. The signal is mirrored at both
    ends first, so the FFT's wrap-around does not ring into the silence trimmed next."""
    if samples.size == 0:
        return samples
    pad = min(samples.size - 1, rate // 4)
    padded = np.pad(samples, pad, mode="reflect", reflect_type="odd") if pad > 0 else samples
    n = fast_length(padded.size)  # a 10-minute file's own length took 33 s, this 1.5 s
    spectrum = np.fft.rfft(padded, n=n)
    freqs = np.fft.rfftfreq(n, 1.0 / rate)
    low = cutoff * 0.75
    ramp = np.clip((freqs - low) / (cutoff - low), 0.0, 1.0)
    out = np.fft.irfft(spectrum * ramp, n=n)
    return out[pad : pad + samples.size].astype(samples.dtype)


def fast_length(n: int) -> int:
    """The smallest 2^a·3^b·5^c at least ``n``: an FFT length numpy does fast (a length
    with a large prime factor is many times slower), at most a few per cent longer."""
    best = 1 << max(0, (n - 1).bit_length())
    p5 = 1
    while p5 < best:
        p35 = p5
        while p35 < best:
            p = p35
            while p < n:
                p *= 2
            best = min(best, p)
            p35 *= 3
        p5 *= 5
    return best


def trim_silence(
    samples: np.ndarray, rate: int, threshold_dbfs: float = SILENCE_DBFS
) -> np.ndarray:
    """Cut leading and trailing 10 ms frames quieter than ``threshold_dbfs`` (keep 50 ms).

    A very quiet recording (its loudest frame near the threshold) is cut at
    :data:`TRIM_BELOW_PEAK_DB` under its loudest frame instead, so it is trimmed, not
    emptied: ``check`` then says it is too quiet."""
    frame = max(1, rate // 100)
    n = samples.size // frame
    if n == 0:
        return samples[:0]
    rms = np.sqrt(np.mean(samples[: n * frame].reshape(n, frame) ** 2, axis=1))
    peak = float(rms.max())
    if peak <= 0.0:
        return samples[:0]
    level = min(10 ** (threshold_dbfs / 20), peak * 10 ** (-TRIM_BELOW_PEAK_DB / 20))
    loud = np.nonzero(rms > level)[0]
    if loud.size == 0:
        return samples[:0]
    pad = 5
    start = max(0, loud[0] - pad) * frame
    end = min(samples.size, (loud[-1] + 1 + pad) * frame)
    return samples[start:end]


def prepare(samples: np.ndarray, rate: int) -> np.ndarray:
    """High-pass, then trim: the samples that air (mono float in [-1, 1]). Rumble goes
    first, so a hum under the silence does not keep that silence on air."""
    return trim_silence(high_pass(samples, rate), rate)


def findings(
    raw: np.ndarray,
    prepared: np.ndarray,
    rate: int,
    words: int,
    longest_session_s: float | None = None,
) -> list[Finding]:
    """What ``check`` and the console say about a recording; empty when all is well."""
    out: list[Finding] = []
    if raw.size and np.mean(np.abs(raw) >= CLIP_LEVEL) > CLIP_SHARE:
        out.append(
            Finding("clipped", "bản ghi bị rè (quá to khi thu): thu lại, để máy xa miệng hơn")
        )
    lufs = integrated_loudness(prepared, rate) if prepared.size else float("-inf")
    if lufs < TOO_QUIET_LUFS:
        shown = "im lặng" if lufs == float("-inf") else f"{lufs:.1f} LUFS"
        out.append(Finding("quiet", f"bản ghi quá nhỏ ({shown}): thu lại, nói gần máy hơn"))
    seconds = prepared.size / rate
    if longest_session_s is not None and seconds > longest_session_s:
        out.append(
            Finding(
                "too_long",
                f"bản ghi dài {seconds:.0f} giây, hơn mọi buổi phát ({longest_session_s:.0f} giây)",
            )
        )
    if words and seconds > 0:
        wpm = words / (seconds / 60)
        if not MIN_WPM <= wpm <= MAX_WPM:
            out.append(Finding("mismatch", f"{MISMATCH} ({wpm:.0f} từ một phút)"))
    return out


def missing(script: Path, line: int, name: str) -> ScriptError:
    """The error for a ``recording:`` header whose file is absent or cannot be decoded."""
    return ScriptError(
        f"Không đọc được bản ghi «{name}» mà kịch bản nêu",
        where=f"{script}, dòng {line}: recording: {name}",
        fix=f"chép tệp {name} vào thư mục scripts/ (MP3, WAV, M4A, OGG, AMR), "
        "hoặc sửa tên tệp ở dòng này",
    )


#: every recording is decoded to this rate (an 8 kHz AMR, a 48 kHz phone file alike)
DECODE_RATE = 44_100


def load(path: Path, script: Path, line: int) -> tuple[np.ndarray, int]:
    """Decode ``path`` to mono float samples at :data:`DECODE_RATE`; a missing or broken
    file names the header line.

    ffmpeg decodes it straight to PCM: pydub would need ffprobe (which imageio-ffmpeg
    lacks) for anything but WAV and MP3, and phones send M4A, OGG and AMR."""
    if not path.is_file():
        raise missing(script, line, path.name)
    args = ["-i", str(path), "-vn", "-ac", "1", "-ar", str(DECODE_RATE), "-f", "s16le", "pipe:1"]
    try:
        pcm = run_ffmpeg(args).stdout
    except AudioError:
        raise missing(script, line, path.name) from None
    if not pcm:
        raise missing(script, line, path.name)
    samples = np.frombuffer(pcm[: len(pcm) // 2 * 2], dtype="<i2").astype(np.float32) / 32768.0
    return samples, DECODE_RATE


#: a recording below this rate (AMR is 8 kHz) is brought up to it, so the chimes around it
#: keep their sound
MIN_RATE = 22_050


def to_segment(samples: np.ndarray, rate: int) -> AudioSegment:
    """Prepared float samples as mono 16-bit audio at ``rate`` or :data:`MIN_RATE`."""
    pcm = (np.clip(samples, -1.0, 1.0) * 32767).astype("<i2").tobytes()
    seg = AudioSegment(data=pcm, sample_width=2, frame_rate=rate, channels=1)
    return seg if rate >= MIN_RATE else seg.set_frame_rate(MIN_RATE)
