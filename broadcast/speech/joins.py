"""Join separately synthesized breath groups into one natural-sounding utterance.

Online engines speak one breath group per request, each with its own leading and
trailing silence and a waveform that does not start or end at zero: butt-joining the
parts clicks and leaves uneven gaps. Each part is trimmed, faded in and out by a few
milliseconds, and followed by a pause that depends on how the group ended.
"""

from __future__ import annotations

from pydub import AudioSegment
from pydub.silence import detect_leading_silence

FADE_MS = 8
SENTENCE_PAUSE_MS = 350  # after . ! ? and paragraph ends
CLAUSE_PAUSE_MS = 150  # after , ; : and forced cuts inside a sentence
SILENCE_DBFS = -50.0


def pause_after(group: str) -> int:
    """Milliseconds of silence an announcer leaves after this group."""
    return SENTENCE_PAUSE_MS if group.rstrip().endswith((".", "!", "?")) else CLAUSE_PAUSE_MS


def trim(seg: AudioSegment, threshold: float = SILENCE_DBFS) -> AudioSegment:
    """Cut leading and trailing silence (keeps the segment if it is all silence)."""
    start = detect_leading_silence(seg, silence_threshold=threshold)
    end = detect_leading_silence(seg.reverse(), silence_threshold=threshold)
    if start + end >= len(seg):
        return seg
    return seg[start : len(seg) - end]


def join_groups(
    parts: list[AudioSegment], groups: list[str], fade_ms: int = FADE_MS
) -> AudioSegment:
    """Trimmed, faded parts with a pause after each group but the last.

    ``parts[i]`` is the audio of ``groups[i]``; all parts are brought to the first
    part's frame rate, mono, 16-bit.
    """
    if not parts:
        raise ValueError("no audio parts to join")
    rate = parts[0].frame_rate
    out = AudioSegment.silent(duration=0, frame_rate=rate)
    for i, (seg, group) in enumerate(zip(parts, groups, strict=True)):
        seg = trim(seg.set_channels(1).set_sample_width(2).set_frame_rate(rate))
        fade = min(fade_ms, len(seg) // 2)
        if fade > 0:
            seg = seg.fade_in(fade).fade_out(fade)
        out += seg  # ``+``, not append(): no 100 ms crossfade
        if i < len(parts) - 1:
            out += AudioSegment.silent(duration=pause_after(group), frame_rate=rate)
    return out
