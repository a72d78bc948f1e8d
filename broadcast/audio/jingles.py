"""Built-in jingles, synthesized: no borrowed recordings, nothing to license.

Bell-like tones (a few inharmonic partials with exponential decay), the way public
address chimes sound: an ascending four-note chime before a bulletin, the same
descending after it, a soft two-note chime between bulletins, and a quicker rising
arpeggio to the octave as the station's signature at the start of a session (distinct
from the bulletin's own intro, which follows it).
"""

from __future__ import annotations

import numpy as np
from pydub import AudioSegment

# Notes in Hz: G5 E5 C5 G4, the familiar four-tone PA chime.
_NOTES = {"G4": 392.0, "C5": 523.25, "E5": 659.25, "G5": 783.99, "C6": 1046.5}
_PATTERNS = {
    "intro": (("G4", "C5", "E5", "G5"), 0.42),
    "outro": (("G5", "E5", "C5", "G4"), 0.42),
    "between": (("E5", "C5"), 0.5),
    "station_id": (("C5", "E5", "G5", "C6"), 0.22),
}
_PARTIALS = ((1.0, 1.0), (2.0, 0.35), (3.01, 0.12), (4.2, 0.05))


def _bell(freq: float, seconds: float, rate: int) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    tone = sum(
        amp * np.sin(2 * np.pi * freq * mult * t) * np.exp(-t * (2.2 + mult))
        for mult, amp in _PARTIALS
    )
    attack = np.minimum(1.0, t / 0.005)  # 5 ms attack: no click
    return tone * attack


def chime(kind: str, rate: int) -> AudioSegment:
    """The built-in jingle ``kind`` ('intro', 'outro', 'between', 'station_id'), mono."""
    notes, step = _PATTERNS[kind]
    ring = 1.6
    total = int((step * (len(notes) - 1) + ring) * rate)
    out = np.zeros(total)
    for i, note in enumerate(notes):
        start = int(i * step * rate)
        bell = _bell(_NOTES[note], ring, rate)
        out[start : start + len(bell)] += bell
    out *= 0.5 / max(1e-9, float(np.max(np.abs(out))))
    fade = int(0.05 * rate)
    out[-fade:] *= np.linspace(1.0, 0.0, fade)
    pcm = (out * 32767).astype("<i2").tobytes()
    return AudioSegment(data=pcm, sample_width=2, frame_rate=rate, channels=1)
