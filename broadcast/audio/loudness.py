"""Loudness (EBU R128 / ITU-R BS.1770) measured and applied in-process, in one pass.

A two-pass ffmpeg ``loudnorm`` costs more than the MP3 encode itself and falls back to
dynamic mode on eSpeak speech (FIELD-NOTES). Here:

- loudness is measured with numpy: the signal is cut into 100 ms sub-blocks and, by
  Parseval, each sub-block's K-weighted energy is its power spectrum times the K-filter's
  |H(f)|^2 (phase does not change block energies); 400 ms gating blocks are sums of four
  sub-blocks. It agrees with ffmpeg's ebur128 to about 0.1 LU;
- a look-ahead peak limiter (5 ms blocks) keeps the sample peak under the true-peak
  target less a margin for inter-sample peaks and MP3 overshoot;
- the gain that makes limit(x * gain) hit the target is solved on block statistics
  (5 ms peaks and energies, computed once), not by re-processing the whole signal, then
  applied once. An MP3 at 128 kb/s measures ~0.4 LU quieter than its source, so that
  known loss is added to the target when the bitrate is given.
"""

from __future__ import annotations

import numpy as np

# ITU-R BS.1770-4 K-weighting, specified at 48 kHz: high shelf then high pass.
_SHELF = (
    [1.53512485958697, -2.69169618940638, 1.19839281085285],
    [1.0, -1.69065929318241, 0.73248077421585],
)
_HIGHPASS = ([1.0, -2.0, 1.0], [1.0, -1.99004745483398, 0.99007225036621])
_ABS_GATE = -70.0
_REL_GATE = -10.0
#: sample-peak ceiling below the true-peak target: inter-sample peaks and MP3 overshoot
TRUE_PEAK_MARGIN_DB = 1.2
#: how much quieter an MP3 measures than its source, by bitrate (FIELD-NOTES, measured)
MP3_LOSS_LU = {32: 0.6, 48: 0.5, 64: 0.5, 96: 0.45, 128: 0.4, 160: 0.3, 192: 0.2}
_RELEASE_BLOCKS = 8  # ~40 ms


def _limit_step(rate: int) -> int:
    """Limiter block length (~5 ms) that divides the 100 ms measuring hop exactly."""
    hop = int(0.1 * rate)
    per_sub = min((d for d in range(1, 41) if hop % d == 0), key=lambda d: abs(d - 20))
    return hop // per_sub


def _k_response(freqs: np.ndarray) -> np.ndarray:
    """|H(f)|^2 of the K-filter at physical frequencies ``freqs`` (Hz)."""
    z = np.exp(-1j * 2 * np.pi * freqs / 48000.0)
    power = np.ones_like(freqs)
    for b, a in (_SHELF, _HIGHPASS):
        num = b[0] + b[1] * z + b[2] * z * z
        den = a[0] + a[1] * z + a[2] * z * z
        power = power * np.abs(num / den) ** 2
    return power


def _sub_block_energy(samples: np.ndarray, rate: int) -> np.ndarray:
    """K-weighted mean-square energy of each 100 ms sub-block."""
    hop = int(0.1 * rate)
    n_sub = max(4, -(-len(samples) // hop))
    padded = np.zeros(n_sub * hop, dtype=np.float64)
    padded[: len(samples)] = samples
    return _row_energy(padded.reshape(n_sub, hop), rate)


def _row_energy(rows: np.ndarray, rate: int) -> np.ndarray:
    """K-weighted mean-square energy of each row (one 100 ms sub-block each)."""
    hop = rows.shape[1]
    power = np.abs(np.fft.rfft(rows, axis=1)) ** 2
    weights = _k_response(np.fft.rfftfreq(hop, 1.0 / rate))
    weights[1 : (hop + 1) // 2] *= 2  # Parseval for the real FFT: interior bins count twice
    return power @ weights / (hop * hop)


def _gated(sub_energy: np.ndarray) -> float:
    """Integrated loudness from 100 ms sub-block energies (400 ms blocks, 75 % overlap)."""
    csum = np.concatenate(([0.0], np.cumsum(sub_energy)))
    z = (csum[4:] - csum[:-4]) / 4
    with np.errstate(divide="ignore"):
        lk = -0.691 + 10 * np.log10(z)
    z = z[lk > _ABS_GATE]
    if len(z) == 0:
        return float("-inf")
    rel = -0.691 + 10 * np.log10(np.mean(z)) + _REL_GATE
    z = z[-0.691 + 10 * np.log10(z) > rel]
    return float(-0.691 + 10 * np.log10(np.mean(z)))


def integrated_loudness(samples: np.ndarray, rate: int) -> float:
    """Gated integrated loudness in LUFS of mono float samples in [-1, 1]."""
    return _gated(_sub_block_energy(samples, rate))


def _held_gain(peaks: np.ndarray, ceiling: float) -> np.ndarray:
    """Per-block limiter gain: the block's need, held one block early and ~40 ms late."""
    need = np.minimum(1.0, ceiling / np.maximum(peaks, 1e-12))
    held = need.copy()
    held[:-1] = np.minimum(held[:-1], need[1:])
    for shift in range(1, _RELEASE_BLOCKS + 1):
        held[shift:] = np.minimum(held[shift:], need[:-shift])
    return held


def _block_view(samples: np.ndarray, step: int) -> np.ndarray:
    pad = (-len(samples)) % step
    return (np.pad(samples, (0, pad)) if pad else samples).reshape(-1, step)


def _apply_gain(blocks: np.ndarray, held: np.ndarray, gain: float, ceiling: float) -> np.ndarray:
    """``blocks * gain`` times the block gains, ramped linearly between block centres.

    A ramp between two centres stays between two held values that are both at most the
    need of the block it crosses, so no peak gets through; the gain never jumps (no
    clicks). Only blocks whose gain differs from 1 are touched.
    """
    prev = np.concatenate(([held[0]], held[:-1]))
    nxt = np.concatenate((held[1:], [held[-1]]))
    return _apply_ramped(blocks, held, prev, nxt, gain, ceiling)


def _apply_ramped(
    blocks: np.ndarray,
    held: np.ndarray,
    prev: np.ndarray,
    nxt: np.ndarray,
    gain: float,
    ceiling: float,
) -> np.ndarray:
    """:func:`_apply_gain` on some consecutive blocks, given their held gains and their
    neighbours' (``prev``/``nxt``), so a long signal can be processed a chunk at a time
    with exactly the result of the whole."""
    step = blocks.shape[1]
    touched = np.flatnonzero((held < 1.0) | (prev < 1.0) | (nxt < 1.0))
    out = blocks * gain
    if len(touched):
        pos = (np.arange(step, dtype=np.float64) + 0.5) / step
        first = pos < 0.5
        h, p, q = held[touched, None], prev[touched, None], nxt[touched, None]
        ramp = np.where(first, p + (h - p) * (pos + 0.5), h + (q - h) * (pos - 0.5))
        out[touched] *= ramp
        out[touched] = np.clip(out[touched], -ceiling, ceiling)
    return out


def limit(samples: np.ndarray, rate: int, ceiling: float) -> np.ndarray:
    """Look-ahead peak limiter: no sample above ``ceiling`` (linear), smooth gain."""
    step = _limit_step(rate)
    blocks = _block_view(samples, step)
    peaks = np.abs(blocks).max(axis=1)
    if peaks.max(initial=0.0) <= ceiling:
        return samples
    return _apply_gain(blocks, _held_gain(peaks, ceiling), 1.0, ceiling).reshape(-1)[: len(samples)]


class BlockStats:
    """What loudness normalization needs of a signal, gathered a chunk at a time: the
    K-weighted energy of each 100 ms sub-block, the peak of each ~5 ms block and each
    5 ms block's share of its sub-block's energy. A few numbers per 5 ms: about 1/50 of
    the samples, so a 50-minute bulletin's statistics take ~15 MB where its float
    samples take 530 MB."""

    def __init__(self, rate: int) -> None:
        self.rate = rate
        self.hop = int(0.1 * rate)
        self.step = _limit_step(rate)
        self.per_sub = self.hop // self.step
        self._sub: list[np.ndarray] = []
        self._peaks: list[np.ndarray] = []
        self._weights: list[np.ndarray] = []

    def add(self, chunk: np.ndarray) -> None:
        """The next samples of the (zero-padded) signal; a whole number of sub-blocks."""
        sub = _row_energy(chunk.reshape(-1, self.hop), self.rate)
        blocks = chunk.reshape(-1, self.step)
        self._sub.append(sub)
        self._peaks.append(np.abs(blocks).max(axis=1))
        # Spread each 100 ms sub-block's K-weighted energy over its 5 ms blocks in
        # proportion to their plain energy; loudness after gain g and limiting is then a
        # cheap sum.
        shares = np.einsum("ij,ij->i", blocks, blocks).reshape(len(sub), self.per_sub)
        totals = shares.sum(axis=1, keepdims=True)
        self._weights.append(
            np.divide(
                shares, totals, out=np.full_like(shares, 1.0 / self.per_sub), where=totals > 0
            )
            * sub[:, None]
        )

    def solve(
        self, target_lufs: float, true_peak_db: float, bitrate: int | None = None
    ) -> GainPlan:
        """The gain (and limiter gains) that bring the whole signal to the target."""
        target = target_lufs + (MP3_LOSS_LU.get(bitrate, 0.3) if bitrate else 0.0)
        ceiling = 10 ** ((true_peak_db - TRUE_PEAK_MARGIN_DB) / 20)
        sub = np.concatenate(self._sub)
        measured = _gated(sub)
        if not np.isfinite(measured):
            return GainPlan(1.0, None, ceiling, measured, self.step)
        peaks = np.concatenate(self._peaks)
        weights = np.concatenate(self._weights)
        n_sub, per_sub = len(sub), self.per_sub

        def predicted(gain_db: float) -> float:
            g = 10 ** (gain_db / 20)
            held = _held_gain(peaks * g, ceiling).reshape(n_sub, per_sub)
            return _gated((weights * (held * g) ** 2).sum(axis=1))

        lo, hi = target - measured, target - measured + 12.0
        while hi - lo > 0.01:  # bisection: loudness after limiting grows with the gain
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if predicted(mid) < target else (lo, mid)
        gain_db = (lo + hi) / 2
        g = 10 ** (gain_db / 20)
        return GainPlan(g, _held_gain(peaks * g, ceiling), ceiling, predicted(gain_db), self.step)


class GainPlan:
    """The gain :meth:`BlockStats.solve` chose, applied a chunk at a time by :meth:`apply`
    (chunks in order, each a whole number of 5 ms blocks), or ``held is None`` for
    silence, which is left as it is."""

    def __init__(
        self, gain: float, held: np.ndarray | None, ceiling: float, lufs: float, step: int
    ) -> None:
        self.gain, self.held, self.ceiling, self.lufs = gain, held, ceiling, lufs
        self.step = step
        if held is not None:
            self._prev = np.concatenate(([held[0]], held[:-1]))
            self._next = np.concatenate((held[1:], [held[-1]]))

    def apply(self, chunk: np.ndarray, first_block: int) -> np.ndarray:
        """``chunk`` (its first 5 ms block is block ``first_block`` of the signal) processed."""
        if self.held is None:
            return chunk
        blocks = chunk.reshape(-1, self.step)
        part = slice(first_block, first_block + len(blocks))
        return _apply_ramped(
            blocks, self.held[part], self._prev[part], self._next[part], self.gain, self.ceiling
        ).reshape(-1)


def padded_length(n: int, rate: int) -> int:
    """Length the measurement pads ``n`` samples to: whole 100 ms sub-blocks, at least 4."""
    hop = int(0.1 * rate)
    return max(4, -(-n // hop)) * hop


def normalize(
    samples: np.ndarray,
    rate: int,
    target_lufs: float,
    true_peak_db: float,
    bitrate: int | None = None,
) -> tuple[np.ndarray, float]:
    """Bring mono float samples to ``target_lufs`` with peaks under ``true_peak_db``.

    Returns the processed samples and their loudness as predicted before encoding.
    (:class:`BlockStats` and :class:`GainPlan` do the same a chunk at a time.)
    """
    n = len(samples)
    padded = np.zeros(padded_length(n, rate))
    padded[:n] = samples
    stats = BlockStats(rate)
    stats.add(padded)
    plan = stats.solve(target_lufs, true_peak_db, bitrate)
    if plan.held is None:
        return samples, plan.lufs
    return plan.apply(padded, 0)[:n], plan.lufs
