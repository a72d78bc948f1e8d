"""Piper: neural Vietnamese voices that run offline on the CPU (optional extra).

The station names a voice model, e.g.::

    voice:
      engines: [piper, espeak]
      options: {piper: {model: voices/vi_VN-vais1000-medium.onnx}}

beside it the model's ``.onnx.json`` config. A relative path starts at the project
root. Piper is installed with ``pip install 'broadcast[piper]'`` (piper-tts, which
brings onnxruntime and its own eSpeak data for phonemes). A model is loaded once per
process; its digest goes into cache keys, so a new model re-renders everything.
"""

from __future__ import annotations

import hashlib
import json
import threading
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
from pydub import AudioSegment

from ..errors import EngineError
from ..vocabulary import Dialect
from .base import Engine, EngineUnavailable
from .joins import SENTENCE_PAUSE_MS

GET_VOICE = (
    "tải giọng tiếng Việt vi_VN-vais1000-medium (tệp .onnx và .onnx.json) từ bộ sưu tập "
    "rhasspy/piper-voices (https://huggingface.co/rhasspy/piper-voices, thư mục vi/vi_VN) "
    "hoặc chạy: python -m piper.download_voices vi_VN-vais1000-medium; "
    "rồi ghi đường dẫn vào voice.options.piper.model"
)
INSTALL = "chạy: pip install 'broadcast[piper]'  (hoặc: pip install piper-tts)"
BASE_RATE = 135  # words per minute at which the model's own length_scale applies

_loaded: dict[tuple[str, str, int, int], tuple[Any, str]] = {}
_load_lock = threading.Lock()


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _package_version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "?"


def load_voice(model: Path, config: Path) -> tuple[Any, str]:
    """(PiperVoice, digest of model and config), loaded once per file version."""
    try:
        from piper import PiperVoice
    except ImportError:
        raise EngineUnavailable("Chưa cài bộ đọc Piper", fix=INSTALL) from None
    for path, what in ((model, "tệp giọng Piper"), (config, "tệp cấu hình giọng Piper")):
        if not path.is_file():
            raise EngineUnavailable(
                f"Không thấy {what} {path}", where="voice.options.piper", fix=GET_VOICE
            )
    st = model.stat()
    key = (str(model.resolve()), str(config.resolve()), st.st_size, st.st_mtime_ns)
    with _load_lock:
        if key not in _loaded:
            try:
                json.loads(config.read_text("utf-8"))
                voice = PiperVoice.load(str(model), config_path=str(config))
            except Exception as exc:  # onnxruntime, json and KeyError for a broken voice
                raise EngineUnavailable(
                    f"Tệp giọng Piper {model.name} hỏng hoặc không đúng dạng "
                    f"({exc.__class__.__name__}: {str(exc)[:120]})",
                    where=str(model),
                    fix=GET_VOICE,
                ) from None
            digest = hashlib.sha256((_digest(model) + _digest(config)).encode()).hexdigest()
            _loaded[key] = (voice, digest[:16])
        return _loaded[key]


class PiperEngine(Engine):
    """Neural voice, offline; a medium voice runs a few times faster than real time."""

    NAME = "piper"
    ONLINE = False
    SUMMARY = "Piper: giọng nơ-ron, ngoại tuyến, cần tệp giọng / neural, offline"
    #: the model decides the voice; "default" is its default speaker
    VOICES = {Dialect.north: "default", Dialect.central: "default", Dialect.south: "default"}

    def __init__(self, options: dict[str, Any] | None = None, base_dir: Path | None = None) -> None:
        super().__init__(options, base_dir)
        model = self.options.get("model")
        if not model:
            raise EngineUnavailable(
                "Chưa chọn tệp giọng cho Piper", where="voice.options.piper.model", fix=GET_VOICE
            )
        self.model = self._resolve(str(model))
        cfg = self.options.get("config")
        self.config = self._resolve(str(cfg)) if cfg else Path(f"{self.model}.json")
        self._voice, self._digest = load_voice(self.model, self.config)
        self._piper_version = _package_version("piper-tts")

    def _resolve(self, path: str) -> Path:
        p = Path(path).expanduser()
        return p if p.is_absolute() else self.base_dir / p

    @property
    def version(self) -> str:
        return f"piper-tts {self._piper_version} model {self._digest}"

    @property
    def sample_rate(self) -> int:
        return int(self._voice.config.sample_rate)

    @classmethod
    def voices(cls) -> list[str]:
        return ["default", "vi_VN-vais1000-medium", "vi_VN-25hours_single-low", "vi_VN-vivos-x_low"]

    def synthesize(self, text: str, voice: str, rate: int) -> AudioSegment:
        from piper import SynthesisConfig

        cfg = self._voice.config
        speaker = None
        if voice != "default" and cfg.num_speakers > 1:
            if voice not in cfg.speaker_id_map:
                raise EngineError(
                    f"Giọng Piper không có người đọc '{voice}'",
                    fix="chọn một trong: " + ", ".join(cfg.speaker_id_map),
                )
            speaker = cfg.speaker_id_map[voice]
        syn = SynthesisConfig(
            speaker_id=speaker, length_scale=cfg.length_scale * BASE_RATE / max(rate, 1)
        )
        try:
            chunks = [
                np.asarray(c.audio_int16_array, dtype="<i2")
                for c in self._voice.synthesize(text, syn_config=syn)
            ]
        except Exception as exc:  # onnxruntime errors carry no common base class
            raise EngineError(
                f"Piper lỗi khi đọc: {exc.__class__.__name__}: {exc}"[:300], fix=GET_VOICE
            ) from None
        if not chunks:
            raise EngineError("Piper không đọc ra tiếng nào (văn bản trống?)")
        gap = np.zeros(int(self.sample_rate * SENTENCE_PAUSE_MS / 1000), dtype="<i2")
        pieces: list[np.ndarray] = []
        for i, chunk in enumerate(chunks):
            if i:
                pieces.append(gap)
            pieces.append(chunk)
        pcm = np.concatenate(pieces).tobytes()
        return AudioSegment(data=pcm, sample_width=2, frame_rate=self.sample_rate, channels=1)
