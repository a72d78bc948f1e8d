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
import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

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
    return out + _level_and_length(lufs, prepared.size / rate, words, longest_session_s)


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


# --- streamed (issue 23): a 50 MB upload may be 50 minutes or more; ~1 GB as float64 ---

#: samples decoded per read: 10 s at 44.1 kHz, under 1 MB of int16
STREAM_SAMPLES = 441_000
#: the high-pass FIR length (odd): 0.37 s at 44.1 kHz, 2.7 Hz resolution for the ramp
FIR_TAPS = 16_383


def _fir(rate: int, taps: int = FIR_TAPS, cutoff: float = HIGH_PASS_HZ) -> np.ndarray:
    """A linear-phase FIR with :func:`high_pass`'s ramp (0 below 3/4 of ``cutoff``, 1
    above it), Hann-windowed: applied a block at a time, so a long file is never whole."""
    n = fast_length(8 * taps)
    freqs = np.fft.rfftfreq(n, 1.0 / rate)
    low = cutoff * 0.75
    ramp = np.clip((freqs - low) / (cutoff - low), 0.0, 1.0)
    impulse = np.roll(np.fft.irfft(ramp, n=n), taps // 2)[:taps]
    return impulse * np.hanning(taps)


def filtered_chunks(chunks: Iterator[np.ndarray], rate: int) -> Iterator[np.ndarray]:
    """The high-passed signal of the float ``chunks`` (one after another), chunk by chunk
    (overlap-save): the ends mirrored first, as :func:`high_pass` does; zero-phase (the
    FIR's delay is dropped). Memory: a chunk and the filter."""
    h = _fir(rate)
    taps = h.size
    delay = taps // 2
    head: list[np.ndarray] = []
    have = 0
    it = iter(chunks)
    want = rate // 4 + 1
    for c in it:
        head.append(np.asarray(c, dtype=np.float64))
        have += c.size
        if have >= want:
            break
    if have == 0:
        return
    first = np.concatenate(head)
    pad = min(first.size - 1, rate // 4)
    pre = 2 * first[0] - first[pad:0:-1] if pad > 0 else first[:0]

    history = np.zeros(taps - 1)
    skip = pre.size + delay  # outputs before x[0]
    total = [0]

    spectra: dict[int, np.ndarray] = {}  # the filter's spectrum, once per FFT length

    def convolve(block: np.ndarray) -> np.ndarray:
        nonlocal history
        seg = np.concatenate((history, block))
        size = fast_length(seg.size + taps)
        if size not in spectra:
            spectra[size] = np.fft.rfft(h, size)
        out = np.fft.irfft(np.fft.rfft(seg, size) * spectra[size], size)
        history = seg[-(taps - 1) :]
        return out[taps - 1 : seg.size]

    def source() -> Iterator[np.ndarray]:
        tail = np.zeros(0)
        yield pre
        for c in itertools.chain([first], (np.asarray(c, dtype=np.float64) for c in it)):
            total[0] += c.size
            if c.size:
                tail = np.concatenate((tail, c))[-(rate // 4 + 1) :].copy()
                yield c
        back = min(tail.size - 1, rate // 4, max(0, total[0] - 1))
        if back > 0:
            yield 2 * tail[-1] - tail[-2 : -back - 2 : -1]
        yield np.zeros(taps)  # flush the filter

    given = 0
    for block in source():
        if not block.size:
            continue
        out = convolve(block)
        if skip:
            cut = min(skip, out.size)
            out = out[cut:]
            skip -= cut
        room = total[0] - given
        out = out[: max(0, room)] if room < out.size else out
        if out.size:
            given += out.size
            yield out


class Prepared:
    """A recording as it airs (high-passed, trimmed), int16 in an unnamed temporary file,
    read a slice at a time: what the renderer masters and ``check`` measures, never
    whole in memory. ``len`` and slices as a numpy int16 array (for mastering)."""

    def __init__(self, rate: int) -> None:
        import tempfile

        self.rate = rate
        self._file = tempfile.TemporaryFile(prefix="broadcast-rec-")
        self.raw_samples = 0
        self.clipped = 0
        self.start = 0
        self.end = 0

    def __len__(self) -> int:
        return self.end - self.start

    @property
    def seconds(self) -> float:
        return len(self) / self.rate

    duration_seconds = seconds  # as an AudioSegment says it

    def _read(self, a: int, b: int) -> np.ndarray:
        import os

        data = os.pread(self._file.fileno(), 2 * (b - a), 2 * a)
        return np.frombuffer(data, dtype="<i2")

    def __getitem__(self, key: slice) -> np.ndarray:
        a, b, _ = key.indices(len(self))
        return self._read(self.start + a, self.start + max(a, b))

    def chunks(self, size: int = STREAM_SAMPLES) -> Iterator[np.ndarray]:
        """The prepared samples as float chunks in [-1, 1]."""
        for a in range(0, len(self), size):
            yield self[a : a + size].astype(np.float64) / 32768.0

    def loudness(self) -> float:
        """Integrated loudness of the prepared samples (as :func:`integrated_loudness`)."""
        if len(self) == 0:
            return float("-inf")
        from .loudness import _gated, _row_energy

        hop = int(0.1 * self.rate)
        subs = []
        size = hop * 300
        n_sub = max(4, -(-len(self) // hop))
        for a in range(0, n_sub * hop, size):
            part = np.zeros(min(size, n_sub * hop - a))
            got = self[a : a + part.size].astype(np.float64) / 32768.0
            part[: got.size] = got
            subs.append(_row_energy(part.reshape(-1, hop), self.rate))
        return _gated(np.concatenate(subs))

    def segment(self) -> AudioSegment:
        """The whole as one AudioSegment (short recordings, tests)."""
        return AudioSegment(
            data=self[0 : len(self)].tobytes(), sample_width=2, frame_rate=self.rate, channels=1
        )

    def close(self) -> None:
        self._file.close()


def _decoded(path: Path, script: Path, line: int) -> Iterator[np.ndarray]:
    """``path`` decoded by ffmpeg to mono float chunks at :data:`DECODE_RATE`, read from
    its pipe a chunk at a time; at most :data:`MAX_RECORDING_S` (then ScriptError)."""
    import subprocess
    import tempfile

    from .ffmpeg import ffmpeg_exe

    if not path.is_file():
        raise missing(script, line, path.name)
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", str(path), "-vn", "-ac", "1"]
    cmd += ["-ar", str(DECODE_RATE), "-t", str(MAX_RECORDING_S + 1), "-f", "s16le", "pipe:1"]
    got = 0
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=log, stdin=subprocess.DEVNULL)
        assert proc.stdout is not None
        try:
            for data in _read_ahead(proc.stdout, 2 * STREAM_SAMPLES):
                data = data[: len(data) // 2 * 2]
                got += len(data) // 2
                if got > MAX_RECORDING_S * DECODE_RATE:
                    raise too_long_to_read(script, line, path.name)
                yield np.frombuffer(data, dtype="<i2").astype(np.float64) / 32768.0
        finally:
            proc.kill() if proc.poll() is None else None
            proc.stdout.close()
            code = proc.wait()
    if code not in (0, -9) or got == 0:
        raise missing(script, line, path.name)


#: chunks read ahead of the filter: ffmpeg decodes the next ones on the other core while
#: this one is filtered, instead of waiting on a full 64 kB pipe (a 50-minute MP3 took
#: the decode's time plus the filter's, one after the other)
READ_AHEAD = 8


def _read_ahead(pipe: IO[bytes], size: int) -> Iterator[bytes]:
    """``pipe`` in pieces of ``size`` bytes, read by a thread up to READ_AHEAD pieces ahead;
    ends at end of file. Stopping early (the generator closed) lets the thread go: the
    caller kills the process, the thread's read ends, it finds the stop flag and ends."""
    import queue
    import threading

    box: queue.Queue[bytes | BaseException] = queue.Queue(READ_AHEAD)
    stop = threading.Event()

    def reader() -> None:
        try:
            while not stop.is_set():
                data = pipe.read(size)
                while not stop.is_set():
                    try:
                        box.put(data, timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if not data:
                    return
        except (OSError, ValueError) as exc:  # the pipe closed under it
            box.put(exc)

    thread = threading.Thread(target=reader, name="broadcast-recording-read", daemon=True)
    thread.start()
    try:
        while True:
            item = box.get()
            if isinstance(item, BaseException):
                raise item
            if not item:
                return
            yield item
    finally:
        stop.set()


#: a recording longer than this is not decoded (no session of any station holds it)
MAX_RECORDING_S = 60 * 60


def too_long_to_read(script: Path, line: int, name: str) -> ScriptError:
    return ScriptError(
        f"Bản ghi «{name}» dài hơn {MAX_RECORDING_S // 60} phút, dài hơn mọi buổi phát",
        where=f"{script}, dòng {line}: recording: {name}",
        fix="cắt bản ghi thành nhiều tệp ngắn, mỗi kịch bản một tệp",
    )


def _stream(
    path: Path, script: Path, line: int, keep: Callable[[np.ndarray], None], decimate: int = 1
) -> tuple[int, int, tuple[int, int], int]:
    """One pass over ``path``: decode, high-pass, hand each filtered block to ``keep``;
    returns (raw samples, clipped samples, trimmed (start, end), filtered samples). With
    ``decimate`` 2, clipping is counted on the decoded samples and the rest runs on pairs
    of them averaged (half the rate: half the filter's work), so the span is in those."""
    rate = DECODE_RATE // decimate
    frame = max(1, rate // 100)
    rms: list[np.ndarray] = []
    carry = np.zeros(0)
    written = 0
    raw_n = clipped = 0

    def raw() -> Iterator[np.ndarray]:
        nonlocal raw_n, clipped
        for c in _decoded(path, script, line):
            raw_n += c.size
            clipped += int(np.count_nonzero(np.abs(c) >= CLIP_LEVEL))
            if decimate == 2:
                c = c[: c.size // 2 * 2]  # chunks are whole pairs but perhaps the last
                c = 0.5 * (c[0::2] + c[1::2])
            yield c

    for block in filtered_chunks(raw(), rate):
        keep(block)
        written += block.size
        carry = np.concatenate((carry, block))
        n = carry.size // frame
        if n:
            rms.append(np.sqrt(np.mean(carry[: n * frame].reshape(n, frame) ** 2, axis=1)))
            carry = carry[n * frame :]
    levels = np.concatenate(rms) if rms else np.zeros(0)
    return raw_n, clipped, _trimmed_span(levels, frame, written), written


def prepare_file(path: Path, script: Path, line: int) -> Prepared:
    """Decode, high-pass and trim ``path`` a chunk at a time (issue 23): memory stays at a
    few chunks whatever the length; the airable samples go to a temporary file."""
    import os

    out = Prepared(DECODE_RATE)
    written = 0

    def keep(block: np.ndarray) -> None:
        nonlocal written
        pcm = (np.clip(block, -1.0, 1.0) * 32767).astype("<i2")
        os.pwrite(out._file.fileno(), pcm.tobytes(), 2 * written)
        written += pcm.size

    out.raw_samples, out.clipped, (out.start, out.end), _ = _stream(path, script, line, keep)
    return out


@dataclass(frozen=True)
class Measured:
    """A recording's figures as it airs (high-passed, trimmed), without its samples: what
    ``check`` and ``plan`` need. :func:`measure_file` keeps no audio, not even on disk."""

    rate: int
    raw_samples: int
    clipped: int
    samples: int  # airable, after the trim
    lufs: float  # integrated loudness of the airable part

    @property
    def seconds(self) -> float:
        return self.samples / self.rate

    def loudness(self) -> float:
        return self.lufs


#: measured recordings of this process, by (file, mtime, size, inode): ``check`` asks for
#: the findings and for the length the plan uses, and a file is read once, not twice
_MEASURED: dict[tuple[str, int, int, int], Measured] = {}


def measure_file(path: Path, script: Path, line: int) -> Measured:
    """:func:`prepare_file`'s figures in one pass with no temporary file: the loudness from
    the 100 ms sub-blocks of the filtered stream that lie inside the trimmed span. Kept in
    the project (:data:`MEASURED_DIR`) by the file's content, and in this process by its
    stat."""
    try:
        st = Path(path).stat()
    except OSError:
        raise missing(script, line, Path(path).name) from None
    key = (str(Path(path).resolve()), st.st_mtime_ns, st.st_size, st.st_ino)
    if key in _MEASURED:
        return _MEASURED[key]
    kept = _kept_path(path, script)
    found = _read_kept(kept) if kept else None
    if found is None:
        found = _measure(path, script, line)
        if kept is not None:
            _keep(kept, found)
    if len(_MEASURED) > 64:
        _MEASURED.clear()
    _MEASURED[key] = found
    return found


#: measured figures kept in the project, by the recording's content, so that a 60-minute
#: file is decoded once, not by every check, plan, build and console page after it
MEASURED_DIR = Path(".broadcast") / "measured"
#: bumped when the measurement changes (older kept figures are then measured again)
MEASURE_VERSION = 2


def _kept_path(path: Path, script: Path) -> Path | None:
    """Where the figures of ``path`` are kept: in the project of ``script``
    (``ROOT/scripts/x.md``), named by the file's SHA-256; None outside a project."""
    from ..files.digest import sha256_of

    if Path(script).parent.name != "scripts":
        return None
    try:
        digest = sha256_of(path)
    except OSError:
        return None
    name = f"{digest}-{DECODE_RATE}-v{MEASURE_VERSION}.json"
    return Path(script).parent.parent / MEASURED_DIR / name


def _read_kept(kept: Path) -> Measured | None:
    import json

    try:
        data = json.loads(kept.read_text(encoding="utf-8"))
        lufs = float(data["lufs"]) if data["lufs"] is not None else float("-inf")
        return Measured(
            int(data["rate"]), int(data["raw_samples"]), int(data["clipped"]),
            int(data["samples"]), lufs,
        )  # fmt: skip
    except (OSError, ValueError, KeyError, TypeError):
        return None  # not kept yet, or damaged: measured again


def _keep(kept: Path, m: Measured) -> None:
    import json

    from ..files import atomic

    data = {
        "rate": m.rate, "raw_samples": m.raw_samples, "clipped": m.clipped,
        "samples": m.samples, "lufs": None if m.lufs == float("-inf") else m.lufs,
    }  # fmt: skip
    try:
        kept.parent.mkdir(parents=True, exist_ok=True)
        atomic.write_text(kept, json.dumps(data))
    except OSError:
        pass  # a read-only or full disk: measured again next time, nothing lost


#: the figures are measured at half the decode rate (22,050 Hz: speech has little above
#: 11 kHz; loudness within 0.3 LU, length within a frame), clipping at the full rate
MEASURE_DECIMATE = 2


def _measure(path: Path, script: Path, line: int) -> Measured:
    """One pass over ``path`` (see :func:`measure_file`)."""
    from .loudness import _gated, _row_energy

    rate = DECODE_RATE // MEASURE_DECIMATE
    hop = int(0.1 * rate)
    energies: list[np.ndarray] = []
    carry = np.zeros(0)

    def keep(block: np.ndarray) -> None:
        nonlocal carry
        carry = np.concatenate((carry, block))
        n = carry.size // hop
        if n:
            energies.append(_row_energy(carry[: n * hop].reshape(n, hop), rate))
            carry = carry[n * hop :]

    raw_n, clipped, (start, end), _ = _stream(path, script, line, keep, MEASURE_DECIMATE)
    if carry.size:
        energies.append(_row_energy(np.pad(carry, (0, hop - carry.size)).reshape(1, hop), rate))
    sub = np.concatenate(energies) if energies else np.zeros(0)
    inside = sub[-(-start // hop) : end // hop] if end > start else sub[:0]
    if end > start and inside.size < 4:
        inside = np.pad(inside, (0, 4 - inside.size))
    lufs = _gated(inside) if inside.size else float("-inf")
    return Measured(rate, raw_n, clipped, int(end - start), float(lufs))


def _trimmed_span(rms: np.ndarray, frame: int, size: int) -> tuple[int, int]:
    """:func:`trim_silence`'s cut, from the 10 ms frame levels: (start, end) samples."""
    if rms.size == 0:
        return 0, 0
    peak = float(rms.max())
    if peak <= 0.0:
        return 0, 0
    level = min(10 ** (SILENCE_DBFS / 20), peak * 10 ** (-TRIM_BELOW_PEAK_DB / 20))
    loud = np.nonzero(rms > level)[0]
    if loud.size == 0:
        return 0, 0
    pad = 5
    return max(0, loud[0] - pad) * frame, min(size, (loud[-1] + 1 + pad) * frame)


def file_findings(
    prepared: Prepared | Measured, words: int, longest_session_s: float | None = None
) -> list[Finding]:
    """:func:`findings` of a streamed recording: the same checks, from its statistics."""
    out: list[Finding] = []
    if prepared.raw_samples and prepared.clipped / prepared.raw_samples > CLIP_SHARE:
        out.append(
            Finding("clipped", "bản ghi bị rè (quá to khi thu): thu lại, để máy xa miệng hơn")
        )
    return out + _level_and_length(prepared.loudness(), prepared.seconds, words, longest_session_s)


def _level_and_length(
    lufs: float, seconds: float, words: int, longest_session_s: float | None
) -> list[Finding]:
    out: list[Finding] = []
    if lufs < TOO_QUIET_LUFS:
        shown = "im lặng" if lufs == float("-inf") else f"{lufs:.1f} LUFS"
        out.append(Finding("quiet", f"bản ghi quá nhỏ ({shown}): thu lại, nói gần máy hơn"))
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
