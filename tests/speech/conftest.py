"""Fixtures for the speech tests: fake engines, a faked gTTS HTTP layer, a tiny Piper voice.

Nothing here touches the network: gTTS's HTTP goes to ``responses``, edge-tts's
Communicate is replaced, and the Piper voice is a small ONNX graph built here.
"""

from __future__ import annotations

import base64
import json
import math
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import responses
from pydub import AudioSegment
from pydub.generators import Sine

from broadcast.audio.ffmpeg import run_ffmpeg
from broadcast.project.schedule import Dialect
from broadcast.speech import registry
from broadcast.speech.base import Engine, EngineUnavailable

GTTS_URL = re.compile(r"https://translate\.google\.(com|com\.vn)/_/TranslateWebserverUi/.*")


class SineEngine(Engine):
    """A fake engine: a tone whose length follows the text (0.05 s a character)."""

    NAME = "sine"
    SUMMARY = "test tone"
    VOICES = {Dialect.north: "a4", Dialect.central: "a4", Dialect.south: "a4"}
    calls: list[str] = []

    @property
    def version(self) -> str:
        return "sine 1"

    def synthesize(self, text: str, voice: str, rate: int) -> AudioSegment:
        type(self).calls.append(text)
        seg = Sine(440).to_audio_segment(duration=max(300, 50 * len(text)), volume=-12)
        return seg.set_frame_rate(16000).set_channels(1).set_sample_width(2)


class FlakyEngine(SineEngine):
    """An "online" fake whose network is switched by the class attribute ``online``."""

    NAME = "flaky"
    ONLINE = True
    online = False

    @property
    def version(self) -> str:
        return "flaky 1"

    def synthesize(self, text: str, voice: str, rate: int) -> AudioSegment:
        if not type(self).online:
            type(self).calls.append("FAIL " + text)
            raise EngineUnavailable("không có mạng (giả lập)")
        return super().synthesize(text, voice, rate)


@pytest.fixture
def fake_engines(monkeypatch: pytest.MonkeyPatch) -> dict[str, type[Engine]]:
    """Register the sine and flaky engines for this test only."""
    SineEngine.calls = []
    FlakyEngine.calls = []
    FlakyEngine.online = False
    engines = dict(registry.ENGINES, sine=SineEngine, flaky=FlakyEngine)
    monkeypatch.setattr(registry, "ENGINES", engines)
    import broadcast.speech.speaker as speaker_mod

    monkeypatch.setattr(speaker_mod, "ENGINES", engines)
    return engines


# -- a real MP3 for the fake Google replies ------------------------------------------
@pytest.fixture(scope="session")
def espeak_mp3(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A real eSpeak NG utterance encoded to MP3 by ffmpeg, as Google would send it."""
    from broadcast.speech.espeak import EspeakEngine

    seg = EspeakEngine().synthesize("Xin chào bà con", "vi", 135)
    out = tmp_path_factory.mktemp("mp3") / "hello.mp3"
    run_ffmpeg(
        [
            "-f",
            "s16le",
            "-ar",
            str(seg.frame_rate),
            "-ac",
            "1",
            "-i",
            "pipe:0",
            "-b:a",
            "64k",
            "-f",
            "mp3",
            str(out),
        ],
        stdin=seg.raw_data,
    )
    return out.read_bytes()


def gtts_body(mp3: bytes) -> str:
    """Google's batchexecute reply as FIELD-NOTES describes it (compact JSON)."""
    inner = json.dumps([base64.b64encode(mp3).decode()], separators=(",", ":"))
    payload = [["wrb.fr", "jQ1olc", inner, None, None, None, "generic"]]
    return ")]}'\n\n" + json.dumps(payload, separators=(",", ":"))


def sent_text(call: Any) -> str:
    """The text one faked gTTS request asked for."""
    from urllib.parse import parse_qs

    req = parse_qs(call.request.body)["f.req"][0]
    return json.loads(json.loads(req)[0][0][1])[0]


@pytest.fixture
def fake_google(espeak_mp3: bytes):  # type: ignore[no-untyped-def]
    """gTTS's HTTP layer faked: every request gets a real MP3 back."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        rsps.add(responses.POST, GTTS_URL, body=gtts_body(espeak_mp3), status=200)
        yield rsps


@pytest.fixture
def no_network():  # type: ignore[no-untyped-def]
    """Every requests call fails to connect, and TCP probes fail too."""
    import requests

    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        rsps.add(
            responses.POST,
            GTTS_URL,
            body=requests.exceptions.ConnectionError("Network is unreachable"),
        )
        yield rsps


# -- a tiny Piper voice ----------------------------------------------------------------
TINY_RATE = 16000
HOP = 256


def build_tiny_voice(folder: Path, sample_rate: int = TINY_RATE) -> Path:
    """An ONNX graph with Piper's inputs and outputs: each phoneme id becomes HOP
    samples of a tone whose phase depends on the id. Real enough to test loading,
    phonemes to ids, inference, chunking and the sample rate."""
    import onnx
    from onnx import TensorProto, helper
    from piper.phoneme_ids import DEFAULT_PHONEME_ID_MAP

    ramp = np.array([2 * math.pi * 220 * j / sample_rate for j in range(HOP)], dtype=np.float32)
    nodes = [
        helper.make_node("Cast", ["input"], ["ids_f"], to=TensorProto.FLOAT),
        helper.make_node("Unsqueeze", ["ids_f", "axis2"], ["ids3"]),  # [1, N, 1]
        helper.make_node("Mul", ["ids3", "k"], ["phase0"]),
        helper.make_node("Add", ["phase0", "ramp"], ["phase"]),  # [1, N, HOP]
        helper.make_node("Sin", ["phase"], ["wave"]),
        helper.make_node("Mul", ["wave", "amp"], ["quiet"]),
        helper.make_node("Reshape", ["quiet", "shape"], ["output"]),  # [1, 1, N*HOP]
    ]
    inits = [
        helper.make_tensor("axis2", TensorProto.INT64, [1], [2]),
        helper.make_tensor("k", TensorProto.FLOAT, [], [0.37]),
        helper.make_tensor("ramp", TensorProto.FLOAT, [HOP], ramp.tolist()),
        helper.make_tensor("amp", TensorProto.FLOAT, [], [0.5]),
        helper.make_tensor("shape", TensorProto.INT64, [3], [1, 1, -1]),
    ]
    graph = helper.make_graph(
        nodes,
        "tiny-piper",
        [
            helper.make_tensor_value_info("input", TensorProto.INT64, [1, None]),
            helper.make_tensor_value_info("input_lengths", TensorProto.INT64, [1]),
            helper.make_tensor_value_info("scales", TensorProto.FLOAT, [3]),
        ],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, [1, 1, None])],
        inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    path = folder / "vi_VN-tiny-test.onnx"
    onnx.save(model, str(path))
    config = {
        "audio": {"sample_rate": sample_rate},
        "espeak": {"voice": "vi"},
        "phoneme_type": "espeak",
        "num_symbols": max(i for ids in DEFAULT_PHONEME_ID_MAP.values() for i in ids) + 1,
        "num_speakers": 1,
        "inference": {"noise_scale": 0.667, "length_scale": 1.0, "noise_w": 0.8},
        "phoneme_id_map": DEFAULT_PHONEME_ID_MAP,
    }
    Path(f"{path}.json").write_text(json.dumps(config, ensure_ascii=False), "utf-8")
    return path


@pytest.fixture(scope="session")
def tiny_voice(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("onnx", reason="onnx is needed to build the tiny test voice")
    pytest.importorskip("piper", reason="piper-tts (extra [piper]) is not installed")
    return build_tiny_voice(tmp_path_factory.mktemp("piper"))
