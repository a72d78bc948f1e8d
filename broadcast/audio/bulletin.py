"""Assemble one bulletin: intro chime, spoken header, the body N times, outro chime.

Pure: spoken audio and jingles in, one mono AudioSegment out. Segments are joined with
``+`` (pydub's ``append`` would crossfade 100 ms and eat the chime's tail).
"""

from __future__ import annotations

from dataclasses import dataclass

from pydub import AudioSegment


@dataclass(frozen=True)
class BulletinParts:
    intro: AudioSegment
    header: AudioSegment
    body: AudioSegment
    outro: AudioSegment
    repeat: int = 2
    pause_s: float = 1.5
    again: AudioSegment | None = None  # "Xin nhắc lại" before each repetition


def _fit(seg: AudioSegment, rate: int) -> AudioSegment:
    seg = seg.set_channels(1).set_sample_width(2)
    return seg if seg.frame_rate == rate else seg.set_frame_rate(rate)


def pieces(parts: BulletinParts) -> list[AudioSegment]:
    """The bulletin as its pieces, in order: what :func:`assemble` joins. The body is the
    same segment each time it is read (not a copy), so a long bulletin can be mastered
    from its pieces (:func:`broadcast.audio.master.master_pieces`) without ever holding
    it whole or the body twice (issue 23)."""
    rate = parts.body.frame_rate
    gap = AudioSegment.silent(duration=int(parts.pause_s * 1000), frame_rate=rate)
    short = AudioSegment.silent(duration=500, frame_rate=rate)
    body = _fit(parts.body, rate)
    out = [_fit(parts.intro, rate), short, _fit(parts.header, rate), gap, body]
    again = _fit(parts.again, rate) if parts.again is not None else None
    for _ in range(parts.repeat - 1):
        out.append(gap)
        if again is not None:
            out += [again, short]
        out.append(body)
    return [*out, gap, _fit(parts.outro, rate)]


def join(segments: list[AudioSegment]) -> AudioSegment:
    """The segments one after another (``+``: no crossfade)."""
    out = segments[0]
    for seg in segments[1:]:
        out += seg
    return out


def assemble(parts: BulletinParts) -> AudioSegment:
    return join(pieces(parts))


#: silence between a chime and a recording (short: the recording keeps its own pauses)
RECORDING_GAP_S = 0.25


def assemble_recorded(
    intro: AudioSegment,
    body: AudioSegment,
    outro: AudioSegment,
    header: AudioSegment | None = None,
    gap_s: float = RECORDING_GAP_S,
) -> AudioSegment:
    """A recorded bulletin (issue 20): intro chime, the recording once, outro chime.

    The recording is the officer's own reading (or the district's file), repeats and
    all, so it is neither read twice nor given a machine-read title; ``header`` is the
    station's spoken name for a standalone bulletin (``render``, ``emergency``)."""
    rate = body.frame_rate
    gap = AudioSegment.silent(duration=int(gap_s * 1000), frame_rate=rate)
    out = _fit(intro, rate) + gap
    if header is not None:
        out += _fit(header, rate) + gap
    return out + _fit(body, rate) + gap + _fit(outro, rate)
