"""edge-tts with its service faked at the library boundary (Communicate.stream_sync).

edge-tts speaks over a websocket (aiohttp), which ``responses`` cannot fake; the
fake replaces ``edge_tts.Communicate`` and records what it was asked."""

from __future__ import annotations

from typing import Any

import pytest

pytest.importorskip("edge_tts", reason="edge-tts (extra [edge]) is not installed")

import aiohttp  # noqa: E402
import edge_tts  # noqa: E402

from broadcast.errors import EngineError  # noqa: E402
from broadcast.speech.base import EngineUnavailable  # noqa: E402
from broadcast.speech.edge import EdgeEngine, rate_string  # noqa: E402


def fake_edge_service(
    monkeypatch: pytest.MonkeyPatch,
    mp3: bytes | None,
    fail: BaseException | None = None,
    fail_times: int = 0,
) -> list[dict]:
    calls: list[dict[str, Any]] = []

    class FakeCommunicate:
        def __init__(self, text: str, voice: str, **kw: Any) -> None:
            calls.append({"text": text, "voice": voice, **kw})

        def stream_sync(self):  # type: ignore[no-untyped-def]
            if fail is not None and len(calls) <= fail_times:
                raise fail
            if mp3:
                half = len(mp3) // 2
                yield {"type": "audio", "data": mp3[:half]}
                yield {"type": "WordBoundary", "offset": 0}
                yield {"type": "audio", "data": mp3[half:]}

    monkeypatch.setattr(edge_tts, "Communicate", FakeCommunicate)
    return calls


def test_one_request_with_voice_and_rate(monkeypatch, espeak_mp3):
    calls = fake_edge_service(monkeypatch, espeak_mp3)
    eng = EdgeEngine({"voice": "vi-VN-NamMinhNeural"})
    audio = eng.synthesize("Xin chào bà con.", eng.voice_for(eng.VOICES.__iter__().__next__()), 162)
    assert len(audio) > 300
    assert [(c["text"], c["voice"], c["rate"]) for c in calls] == [
        ("Xin chào bà con.", "vi-VN-NamMinhNeural", "+20%")
    ]


@pytest.mark.parametrize("rate, expected", [(135, "+0%"), (108, "-20%"), (270, "+100%")])
def test_rate_string(rate, expected):
    assert rate_string(rate) == expected


def test_connection_failure_retries_then_unavailable(monkeypatch, espeak_mp3):
    err = aiohttp.ClientConnectionError("Cannot connect to host speech.platform.bing.com")
    calls = fake_edge_service(monkeypatch, espeak_mp3, fail=err, fail_times=99)
    with pytest.raises(EngineUnavailable) as info:
        EdgeEngine({"backoff": 0, "retries": 3}).synthesize("Chào", "vi-VN-HoaiMyNeural", 135)
    assert len(calls) == 3
    assert "Không kết nối được máy chủ đọc của Microsoft" in info.value.what


def test_transient_failure_then_success(monkeypatch, espeak_mp3):
    calls = fake_edge_service(monkeypatch, espeak_mp3, fail=TimeoutError("slow"), fail_times=1)
    audio = EdgeEngine({"backoff": 0}).synthesize("Chào", "vi-VN-HoaiMyNeural", 135)
    assert len(calls) == 2 and len(audio) > 300


def test_no_audio_is_an_engine_error(monkeypatch):
    fake_edge_service(monkeypatch, b"")
    with pytest.raises(EngineError, match="không trả về âm thanh"):
        EdgeEngine().synthesize("Chào", "vi-VN-HoaiMyNeural", 135)


def test_unknown_voice_names_the_valid_ones():
    with pytest.raises(EngineError) as info:
        EdgeEngine({"voice": "vi-VN-Nobody"})
    assert "vi-VN-HoaiMyNeural" in info.value.fix
