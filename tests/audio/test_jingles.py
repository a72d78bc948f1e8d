"""The built-in chimes are real, audible, click-free tones of the right length."""

from __future__ import annotations

import numpy as np
import pytest

from broadcast.audio.bulletin import BulletinParts, assemble
from broadcast.audio.jingles import chime


@pytest.mark.parametrize(
    "kind,notes,step",
    [
        ("intro", (392.0, 523.25, 659.25, 783.99), 0.42),
        ("outro", (783.99, 659.25, 523.25, 392.0), 0.42),
        ("between", (659.25, 523.25), 0.5),
        ("station_id", (523.25, 659.25, 783.99, 1046.5), 0.22),
    ],
)
def test_chime_plays_its_notes_and_ends_in_silence(kind, notes, step):
    rate = 44100
    seg = chime(kind, rate)
    x = np.frombuffer(seg.raw_data, dtype="<i2").astype(np.float64) / 32768
    assert seg.channels == 1 and seg.frame_rate == rate
    assert 1.5 < len(seg) / 1000 < 4.0
    assert 0.4 < np.max(np.abs(x)) <= 0.51
    assert abs(x[-1]) < 1e-3  # faded out: no click when the next item starts
    # Just after each onset the newest note dominates the spectrum.
    for i, freq in enumerate(notes):
        start = int(i * step * rate)
        window = x[start : start + int(0.2 * rate)] * np.hanning(int(0.2 * rate))
        spectrum = np.abs(np.fft.rfft(window))
        peak = np.fft.rfftfreq(len(window), 1 / rate)[np.argmax(spectrum)]
        assert peak == pytest.approx(freq, rel=0.02), (kind, i)


def test_chime_at_another_rate_keeps_its_length():
    assert abs(len(chime("intro", 22050)) - len(chime("intro", 44100))) <= 1


def _peak_hz(x: np.ndarray, rate: int) -> float:
    spectrum = np.abs(np.fft.rfft(x * np.hanning(len(x))))
    return float(np.fft.rfftfreq(len(x), 1 / rate)[np.argmax(spectrum)])


def test_assemble_orders_parts_and_repeats_body():
    from pydub.generators import Sine

    rate = 22050

    def tone(freq, ms):
        return Sine(freq).to_audio_segment(duration=ms, volume=-12).set_frame_rate(rate)

    intro, header, body, outro = tone(300, 100), tone(500, 200), tone(700, 1000), tone(900, 300)
    out = assemble(
        BulletinParts(intro=intro, header=header, body=body, outro=outro, repeat=3, pause_s=0.5)
    )
    # intro + 0.5 + header + pause + body + 2 * (pause + body) + pause + outro
    expected = 100 + 500 + 200 + 500 + 1000 + 2 * (500 + 1000) + 500 + 300
    assert abs(len(out) - expected) <= 2
    x = np.frombuffer(out.raw_data, dtype="<i2").astype(np.float64) / 32768

    def at(ms_from, ms_to):  # type: ignore[no-untyped-def]
        return x[int(ms_from * rate / 1000) : int(ms_to * rate / 1000)]

    # what a listener hears, in order: intro, header, body three times, outro
    heard = [(0, 100, 300), (600, 800, 500), (1300, 2300, 700)]
    heard += [(2800, 3800, 700), (4300, 5300, 700), (5800, 6100, 900)]
    for start, end, freq in heard:
        assert _peak_hz(at(start + 10, end - 10), rate) == pytest.approx(freq, rel=0.05)
    for start, end in [(100, 600), (800, 1300), (2300, 2800), (3800, 4300), (5300, 5800)]:
        assert np.max(np.abs(at(start + 5, end - 5))) < 1e-3  # the pauses are silent
