"""gTTS with its HTTP layer faked by ``responses``: request sequence, retries, errors."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests
import responses

from broadcast.errors import EngineError
from broadcast.speech import base
from broadcast.speech import gtts as gtts_mod
from broadcast.speech.base import EngineUnavailable
from broadcast.speech.gtts import GttsEngine
from broadcast.speech.joins import CLAUSE_PAUSE_MS, SENTENCE_PAUSE_MS, join_groups, pause_after

from .conftest import GTTS_URL, gtts_body, sent_text

TEXT = "Bà con cảnh giác. Không cung cấp mã xác thực cho ai."


def test_one_request_per_breath_group_in_order(fake_google, monkeypatch):
    groups = ["Bà con cảnh giác.", "Không cung cấp mã xác thực cho ai."]
    seen: list[tuple[str, int]] = []

    def splitter(text: str, max_chars: int) -> list[str]:
        seen.append((text, max_chars))
        return groups

    monkeypatch.setattr(gtts_mod, "split_breath_groups", splitter)
    audio = GttsEngine({"tld": "com.vn"}).synthesize(TEXT, "vi", 135)
    assert seen == [(TEXT, 100)]
    assert [sent_text(c) for c in fake_google.calls] == groups
    assert all(
        c.request.url.startswith("https://translate.google.com.vn/") for c in fake_google.calls
    )
    assert len(audio) > 2 * 300 + SENTENCE_PAUSE_MS - 50


def test_real_splitter_keeps_each_request_within_gtts_limit(fake_google):
    long = (
        "Người dân tuyệt đối không cung cấp mã xác thực, mật khẩu, số tài khoản, "
        "không bấm vào đường dẫn lạ, không chuyển tiền cho người xưng là công an. "
    ) * 3
    GttsEngine().synthesize(long, "vi", 135)
    texts = [sent_text(c) for c in fake_google.calls]
    assert texts and all(0 < len(t) <= 100 for t in texts)
    assert " ".join(texts).split() == long.split()
    assert all(c.request.url.startswith("https://translate.google.com/") for c in fake_google.calls)


def test_default_tld_is_com_and_both_hosts_allowed():
    assert GttsEngine().tld == "com"
    assert GttsEngine({"tld": "com.vn"}).settings()["tld"] == "com.vn"
    with pytest.raises(EngineError) as info:
        GttsEngine({"tld": "fr"})
    assert "com.vn" in info.value.fix


def test_server_error_is_retried_then_succeeds(espeak_mp3):
    with responses.RequestsMock() as rsps:
        rsps.add(responses.POST, GTTS_URL, status=503)
        rsps.add(responses.POST, GTTS_URL, body=gtts_body(espeak_mp3))
        audio = GttsEngine({"backoff": 0}).synthesize("Xin chào.", "vi", 135)
        assert len(rsps.calls) == 2
    assert len(audio) > 300


def test_unreachable_network_gives_a_vietnamese_error_after_bounded_retries(no_network):
    with pytest.raises(EngineUnavailable) as info:
        GttsEngine({"backoff": 0, "retries": 3}).synthesize("Xin chào.", "vi", 135)
    assert len(no_network.calls) == 3
    assert "Không kết nối được máy chủ đọc của Google" in info.value.what
    assert "Internet" in info.value.fix


def test_forbidden_is_not_retried():
    with responses.RequestsMock() as rsps:
        rsps.add(responses.POST, GTTS_URL, status=403)
        with pytest.raises(EngineUnavailable, match="từ chối"):
            GttsEngine({"backoff": 0}).synthesize("Xin chào.", "vi", 135)
        assert len(rsps.calls) == 1


def test_reply_without_audio_is_an_engine_error():
    with responses.RequestsMock() as rsps:
        rsps.add(responses.POST, GTTS_URL, body=")]}'\n\n[]")
        with pytest.raises(EngineError, match="không trả về âm thanh"):
            GttsEngine({"backoff": 0}).synthesize("Xin chào.", "vi", 135)


def test_garbage_audio_is_an_engine_error():
    with responses.RequestsMock() as rsps:
        rsps.add(responses.POST, GTTS_URL, body=gtts_body(b"not an mp3 at all" * 10))
        with pytest.raises(EngineError, match="không giải mã được"):
            GttsEngine({"backoff": 0}).synthesize("Xin chào.", "vi", 135)


def test_timeout_is_passed_to_requests(fake_google, monkeypatch):
    seen = []
    real_send = requests.Session.send

    def send(self, request, **kw):  # type: ignore[no-untyped-def]
        seen.append(kw.get("timeout"))
        return real_send(self, request, **kw)

    monkeypatch.setattr(requests.Session, "send", send)
    GttsEngine({"timeout": 4}).synthesize("Xin chào.", "vi", 135)
    assert seen == [4.0]


def test_failure_leaves_no_empty_file(no_network, tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(EngineError):
        GttsEngine({"backoff": 0, "retries": 1}).synthesize("Xin chào.", "vi", 135)
    assert list(tmp_path.iterdir()) == []


def test_availability_probe_uses_the_chosen_host(monkeypatch):
    hosts = []
    monkeypatch.setattr(base, "reachable", lambda h, timeout: hosts.append(h) or False)
    avail = GttsEngine.availability({"tld": "com.vn"}, probe=True)
    assert not avail.usable and "translate.google.com.vn" in avail.reason
    assert hosts == ["translate.google.com.vn"]
    assert GttsEngine.availability({}, probe=False).usable


@pytest.mark.parametrize(
    "group, pause",
    [
        ("Bà con cảnh giác.", SENTENCE_PAUSE_MS),
        ("Có ai hỏi không?", SENTENCE_PAUSE_MS),
        ("không cung cấp mã,", CLAUSE_PAUSE_MS),
        ("một đoạn bị cắt", CLAUSE_PAUSE_MS),
    ],
)
def test_pause_after_group(group, pause):
    assert pause_after(group) == pause


def test_joins_fade_in_and_out_without_clicks():
    from pydub.generators import Sine

    tone = Sine(440).to_audio_segment(duration=400, volume=-6).set_frame_rate(16000)
    joined = join_groups([tone, tone], ["Một.", "Hai."])
    samples = joined.get_array_of_samples()
    assert abs(samples[0]) < 200 and abs(samples[-1]) < 200  # faded edges
    assert abs(len(joined) - (800 + SENTENCE_PAUSE_MS)) <= 2
