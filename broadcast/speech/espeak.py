"""eSpeak NG's Vietnamese voices, in-process, through the library espeakng-loader ships.

No PyPI wrapper synthesizes through that library, so this is a small ctypes binding.
``espeak_ng_InitializePath``/``espeak_ng_Initialize`` return a status instead of calling
exit(1) like ``espeak_Initialize`` does; the library is not thread-safe, so one
process-wide lock guards every call (never taken inside the callback).
"""

from __future__ import annotations

import ctypes
import threading
from pathlib import Path
from typing import Any

from pydub import AudioSegment

from ..errors import EngineError
from ..vocabulary import Dialect
from .base import Engine

_CHARS_UTF8 = 0x1
_ENDPAUSE = 0x1000
_RATE = 1
_POS_CHARACTER = 1
_SYNCHRONOUS = 1

_SYNTH_CALLBACK = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p
)

_lock = threading.Lock()
_state: dict[str, Any] = {}
_chunks: list[bytes] = []


def _on_audio(wav: Any, numsamples: int, events: Any) -> int:
    if numsamples > 0 and wav:
        _chunks.append(ctypes.string_at(wav, numsamples * 2))
    return 0


_callback = _SYNTH_CALLBACK(_on_audio)  # module-level: must outlive every call


def _library() -> tuple[ctypes.CDLL, int, str]:
    if "lib" in _state:
        return _state["lib"], _state["rate"], _state["version"]
    try:
        import espeakng_loader
    except ImportError:
        raise EngineError(
            "Chưa cài bộ đọc ngoại tuyến eSpeak NG",
            fix="chạy: pip install espeakng-loader",
        ) from None
    try:
        lib = ctypes.CDLL(espeakng_loader.get_library_path())
    except OSError as exc:
        raise EngineError(
            f"Không nạp được thư viện eSpeak NG: {exc}",
            fix="cài lại: pip install --force-reinstall espeakng-loader",
        ) from None
    data = espeakng_loader.get_data_path().encode()
    lib.espeak_ng_InitializePath.argtypes = [ctypes.c_char_p]
    lib.espeak_ng_Initialize.argtypes = [ctypes.c_void_p]
    lib.espeak_ng_Initialize.restype = ctypes.c_int
    lib.espeak_ng_InitializeOutput.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p]
    lib.espeak_ng_InitializeOutput.restype = ctypes.c_int
    lib.espeak_ng_GetSampleRate.restype = ctypes.c_int
    lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
    lib.espeak_SetVoiceByName.restype = ctypes.c_int
    lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
    lib.espeak_Synth.argtypes = [
        ctypes.c_void_p,
        ctypes.c_size_t,
        ctypes.c_uint,
        ctypes.c_int,
        ctypes.c_uint,
        ctypes.c_uint,
        ctypes.POINTER(ctypes.c_uint),
        ctypes.c_void_p,
    ]
    lib.espeak_Synth.restype = ctypes.c_int
    lib.espeak_Info.argtypes = [ctypes.POINTER(ctypes.c_char_p)]
    lib.espeak_Info.restype = ctypes.c_char_p
    lib.espeak_ng_InitializePath(data)
    status = lib.espeak_ng_Initialize(None)
    if status != 0:
        raise EngineError(
            f"eSpeak NG không khởi động được (mã {status:#x})",
            fix="cài lại: pip install --force-reinstall espeakng-loader",
        )
    status = lib.espeak_ng_InitializeOutput(_SYNCHRONOUS, 0, None)
    if status != 0:
        raise EngineError(f"eSpeak NG không mở được đầu ra (mã {status:#x})")
    lib.espeak_SetSynthCallback(_callback)
    version = (lib.espeak_Info(None) or b"?").decode()
    _state.update(lib=lib, rate=lib.espeak_ng_GetSampleRate(), version=version, voice=None)
    return lib, _state["rate"], version


class EspeakEngine(Engine):
    """Offline, always available, robotic but clear; about 1,500x real time."""

    NAME = "espeak"
    ONLINE = False
    VOICES = {
        Dialect.north: "vi",
        Dialect.central: "vi-VN-x-central",
        Dialect.south: "vi-VN-x-south",
    }
    SUMMARY = "eSpeak NG: giọng máy, rõ, luôn dùng được / robotic, offline, instant"

    def __init__(self, options: dict[str, Any] | None = None, base_dir: Path | None = None) -> None:
        super().__init__(options, base_dir)
        with _lock:
            _library()

    @property
    def version(self) -> str:
        return f"espeak-ng {_state['version']}"

    def synthesize(self, text: str, voice: str, rate: int) -> AudioSegment:
        data = text.encode("utf-8") + b"\0"
        with _lock:
            lib, sample_rate, _ = _library()
            if _state.get("voice") != voice:
                if lib.espeak_SetVoiceByName(voice.encode()) != 0:
                    raise EngineError(
                        f"eSpeak NG không có giọng '{voice}'",
                        fix="dùng một trong: " + ", ".join(self.VOICES.values()),
                    )
                _state["voice"] = voice
            lib.espeak_SetParameter(_RATE, int(rate), 0)
            _chunks.clear()
            status = lib.espeak_Synth(
                data, len(data), 0, _POS_CHARACTER, 0, _CHARS_UTF8 | _ENDPAUSE, None, None
            )
            pcm = b"".join(_chunks)
            _chunks.clear()
        if status != 0:
            raise EngineError(f"eSpeak NG lỗi khi đọc (mã {status:#x})")
        return AudioSegment(data=pcm, sample_width=2, frame_rate=sample_rate, channels=1)
