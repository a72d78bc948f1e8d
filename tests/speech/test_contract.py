"""One contract, every engine: sine (fake), eSpeak NG, gTTS (faked HTTP), Piper (tiny
self-built voice), edge-tts (faked service). Each must return audible mono 16-bit
speech, a stable version, voices for every dialect, and work through the cache."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from broadcast.project.schedule import Dialect, VoiceSettings
from broadcast.speech.base import Engine
from broadcast.speech.cache import SpeechCache
from broadcast.speech.speaker import Speaker

from .conftest import SineEngine
from .test_edge import fake_edge_service

TEXT = "Bà con cảnh giác. Không cung cấp mã xác thực cho bất kỳ ai, kể cả người xưng là công an."
ENGINES = ["sine", "espeak", "gtts", "piper", "edge"]


@pytest.fixture(params=ENGINES)
def engine(
    request: pytest.FixtureRequest,
    fake_engines,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[tuple[Engine, dict]]:
    name = request.param
    if name == "sine":
        yield SineEngine(), {}
    elif name == "espeak":
        from broadcast.speech.espeak import EspeakEngine

        yield EspeakEngine(), {}
    elif name == "gtts":
        from broadcast.speech.gtts import GttsEngine

        request.getfixturevalue("fake_google")
        opts = {"tld": "com.vn", "backoff": 0}
        yield GttsEngine(opts), opts
    elif name == "piper":
        from broadcast.speech.piper import PiperEngine

        voice: Path = request.getfixturevalue("tiny_voice")
        opts = {"model": str(voice)}
        yield PiperEngine(opts), opts
    else:
        from broadcast.speech.edge import EdgeEngine

        mp3 = request.getfixturevalue("espeak_mp3")
        fake_edge_service(monkeypatch, mp3)
        yield EdgeEngine({"backoff": 0}), {"backoff": 0}


def test_speaks_audible_mono_16bit(engine):
    eng, _ = engine
    audio = eng.synthesize(TEXT, eng.voice_for(Dialect.north), 135)
    assert audio.channels == 1 and audio.sample_width == 2
    assert audio.frame_rate in (16000, 22050, 24000, 44100, 48000)
    assert len(audio) > 300
    assert audio.dBFS > -40


def test_version_is_stable_and_named(engine):
    """The version goes into every speech cache key: it must name the engine and its
    release, and a new instance (the next run) must report the same one."""
    eng, opts = engine
    version = eng.version
    assert isinstance(version, str) and version.startswith(eng.NAME), version
    assert re.search(r"\d", version), version
    assert type(eng)(opts).version == version
    assert isinstance(eng.settings(), dict)


def test_every_dialect_has_a_listed_voice(engine):
    eng, _ = engine
    for dialect in Dialect:
        assert eng.voice_for(dialect) in eng.voices() or eng.NAME == "piper"


def test_available_without_probing(engine):
    eng, opts = engine
    avail = type(eng).availability(opts, probe=False)
    assert avail.usable, avail.reason


def test_second_time_comes_from_the_speech_cache(engine, tmp_path: Path):
    eng, opts = engine
    settings = VoiceSettings(engines=[eng.NAME], options={eng.NAME: opts})
    cache = SpeechCache(tmp_path / "cache")
    first = Speaker(settings, Dialect.north, cache=cache).speak(TEXT)
    again = Speaker(settings, Dialect.north, cache=cache).speak(TEXT)
    assert (first.cached, again.cached) == (False, True)
    assert again.engine == eng.NAME
    assert again.audio.frame_rate == first.audio.frame_rate
    assert again.audio.raw_data == first.audio.raw_data  # the same speech, sample for sample
