"""eSpeak NG's Vietnamese voices, in-process, through the library espeakng-loader ships.

No PyPI wrapper synthesizes through that library, so this is a small ctypes binding.
``espeak_ng_InitializePath``/``espeak_ng_Initialize`` return a status instead of calling
exit(1) like ``espeak_Initialize`` does; the library is not thread-safe, so one
process-wide lock guards every call (never taken inside the callback).

The Vietnamese voices speak through a private copy of the voice data with the measured
pronunciation fixes of :mod:`broadcast.speech.espeak_fixes` (initial "đ" as a plain [d],
"ng" as the base table's velar nasal); ``voice.options.espeak.fixes: false`` keeps eSpeak
NG's own. The data folder is process state of the library, so the engine switches it (and
initializes the library again, which is when it reads the phoneme tables) only when an
engine with the other choice speaks.
"""

from __future__ import annotations

import ctypes
import html
import re
import threading
from pathlib import Path
from typing import Any

from pydub import AudioSegment

from ..errors import EngineError
from ..vocabulary import Dialect
from . import espeak_fixes
from .base import Engine

_CHARS_UTF8 = 0x1
_SSML = 0x10
_ENDPAUSE = 0x1000
_RATE = 1
_PITCH = 3
_RANGE = 4
_WORDGAP = 7
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


def _stock_data() -> Path:
    """eSpeak NG's own data folder, as espeakng-loader ships it."""
    try:
        import espeakng_loader
    except ImportError:
        raise EngineError(
            "Chưa cài bộ đọc ngoại tuyến eSpeak NG",
            fix="chạy: pip install espeakng-loader",
        ) from None
    return Path(espeakng_loader.get_data_path())


def _library(first: Path | None = None) -> tuple[ctypes.CDLL, int, str]:
    """The library, initialized once per process, with the data folder ``first`` (the
    first engine's: the private copy with the fixes) so that the usual process never
    initializes it a second time; the stock folder when none is given."""
    if "lib" in _state:
        return _state["lib"], _state["rate"], _state["version"]
    stock = _stock_data()
    import espeakng_loader

    try:
        lib = ctypes.CDLL(espeakng_loader.get_library_path())
    except OSError as exc:
        raise EngineError(
            f"Không nạp được thư viện eSpeak NG: {exc}",
            fix="cài lại: pip install --force-reinstall espeakng-loader",
        ) from None
    data = str(first or stock).encode()
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
    lib.espeak_TextToPhonemes.argtypes = [
        ctypes.POINTER(ctypes.c_void_p),
        ctypes.c_int,
        ctypes.c_int,
    ]
    lib.espeak_TextToPhonemes.restype = ctypes.c_char_p
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
    _state.update(
        lib=lib,
        rate=lib.espeak_ng_GetSampleRate(),
        version=version,
        voice=None,
        stock=stock,
        data=Path(data.decode()),
    )
    return lib, _state["rate"], version


def _use(lib: ctypes.CDLL, data: Path, voice: str) -> None:
    """Point the library at ``data`` and select ``voice`` (both only when they change).

    The phoneme tables (``phontab``, which a fix may change) are read only when the library
    initializes, so a new data folder initializes it again; the voice then reloads its
    dictionary from there. The synth callback and output mode stay as they were set."""
    if _state.get("data") != data:
        lib.espeak_ng_InitializePath(str(data).encode())
        status = lib.espeak_ng_Initialize(None)
        if status != 0:
            _state.update(data=None, voice=None)
            raise EngineError(
                f"eSpeak NG không đọc được dữ liệu giọng (mã {status:#x})",
                where=str(data),
                fix="xóa thư mục đó (chương trình tạo lại), hoặc đặt "
                "voice.options.espeak.fixes: false trong schedules/stations.yaml",
            )
        # the phoneme tables in use are pointers into the data just freed until the library
        # selects them again, which synthesis does at each clause but espeak_TextToPhonemes
        # does not: phonemes() speaks a pause first after a switch (a run printed "Invalid
        # instruction ... for phoneme" and crashed reading phonemes right after one)
        _state.update(data=data, voice=None, tables_stale=True)
    if _state.get("voice") != voice:
        if lib.espeak_SetVoiceByName(voice.encode()) != 0:
            raise EngineError(
                f"eSpeak NG không có giọng '{voice}'",
                fix="dùng một trong: " + ", ".join(EspeakEngine.VOICES.values()),
            )
        _state["voice"] = voice


def _int_option(options: dict[str, Any], name: str, low: int, high: int, default: int = 0) -> int:
    value = options.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise EngineError(
            f"Tùy chọn espeak '{name}' phải là số nguyên từ {low} đến {high}, không phải {value!r}",
            where="schedules/stations.yaml, voice.options.espeak",
            fix=f"ví dụ: {name}: {low}",
        )
    return value


def _fixes_option(value: object) -> tuple[espeak_fixes.Fix, ...]:
    """true: the shipped fixes; false: eSpeak NG's own rules; a list: those fixes by name."""
    if value is True:
        return espeak_fixes.fixes()
    if value is False:
        return ()
    names = espeak_fixes.all_names()
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        try:
            return espeak_fixes.by_names(value)
        except KeyError:
            pass
    raise EngineError(
        f"Tùy chọn espeak 'fixes' phải là true, false hoặc danh sách tên, không phải {value!r}",
        where="schedules/stations.yaml, voice.options.espeak",
        fix="fixes: true (cách đọc đã sửa), fixes: false (cách đọc gốc của eSpeak NG) "
        f"hoặc fixes: [{', '.join(names)}]",
    )


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


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
    #: Chosen by bench/bench_intelligibility.py (issue 20, README "A clearer offline voice"):
    #: the northern voice reading the central or southern wording (numbers as each region
    #: says them) was understood far better than the regional voices, whose tones span
    #: about 16 Hz (word error rate with the fixes, 08/12/2026: 0.53 against 0.82 central,
    #: 0.87 south; without them 0.65 against 0.85, 0.97). A station gets
    #: its regional voice back with voice.options.espeak.voice: vi-VN-x-south.
    DEFAULT_VOICES = {
        Dialect.north: "vi",
        Dialect.central: "vi",
        Dialect.south: "vi",
    }

    @classmethod
    def default_voice(cls, dialect: Dialect) -> str:
        return cls.DEFAULT_VOICES[dialect]

    def __init__(self, options: dict[str, Any] | None = None, base_dir: Path | None = None) -> None:
        super().__init__(options, base_dir)
        self.fixes = _fixes_option(self.options.get("fixes", True))
        #: extra silence between words, in 10 ms units (eSpeak's word gap)
        self.word_gap = _int_option(self.options, "word_gap", 0, 50)
        #: extra silence after each sentence, in ms (an SSML break)
        self.sentence_pause = _int_option(self.options, "sentence_pause", 0, 3000)
        #: base pitch and pitch range, 0-100 (50: the voice's own); tones need the range
        self.pitch = _int_option(self.options, "pitch", 0, 100, default=50)
        self.pitch_range = _int_option(self.options, "pitch_range", 0, 100, default=50)
        with _lock:
            self._data = self._data_folder(_stock_data())
            _library(self._data)

    def _data_folder(self, stock: Path) -> Path:
        if not self.fixes:
            return stock
        try:
            return espeak_fixes.private_data(stock, self.fixes)
        except OSError as exc:
            raise EngineError(
                f"Không tạo được bản dữ liệu giọng đã sửa của eSpeak NG ({exc.strerror})",
                where=str(exc.filename or ""),
                fix="cho phép ghi thư mục đó, hoặc đặt biến BROADCAST_ESPEAK_DATA_CACHE "
                "tới một thư mục ghi được",
            ) from None

    @property
    def version(self) -> str:
        fixed = f" vi-fixes {espeak_fixes.fixes_id(self.fixes)}" if self.fixes else ""
        return f"espeak-ng {_state['version']}{fixed}"

    def settings(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.word_gap:
            out["word_gap"] = self.word_gap
        if self.sentence_pause:
            out["sentence_pause"] = self.sentence_pause
        if self.pitch != 50:
            out["pitch"] = self.pitch
        if self.pitch_range != 50:
            out["pitch_range"] = self.pitch_range
        return out

    def _markup(self, text: str) -> tuple[bytes, int]:
        flags = _CHARS_UTF8 | _ENDPAUSE
        if self.sentence_pause:
            brk = f'<break time="{self.sentence_pause}ms"/> '
            text = _SENTENCE_END.sub(brk, html.escape(text, quote=False))
            flags |= _SSML
        return text.encode("utf-8") + b"\0", flags

    def synthesize(self, text: str, voice: str, rate: int) -> AudioSegment:
        data, flags = self._markup(text)
        with _lock:
            lib, sample_rate, _ = _library()
            _use(lib, self._data, voice)
            lib.espeak_SetParameter(_RATE, int(rate), 0)
            lib.espeak_SetParameter(_WORDGAP, self.word_gap, 0)
            lib.espeak_SetParameter(_PITCH, self.pitch, 0)
            lib.espeak_SetParameter(_RANGE, self.pitch_range, 0)
            _chunks.clear()
            status = lib.espeak_Synth(data, len(data), 0, _POS_CHARACTER, 0, flags, None, None)
            pcm = b"".join(_chunks)
            _chunks.clear()
            _state["tables_stale"] = False
        if status != 0:
            raise EngineError(f"eSpeak NG lỗi khi đọc (mã {status:#x})")
        return AudioSegment(data=pcm, sample_width=2, frame_rate=sample_rate, channels=1)

    def phonemes(self, text: str, voice: str) -> str:
        """What eSpeak NG will say, as its phoneme mnemonics (one word group per space)."""
        buf = ctypes.create_string_buffer(text.encode("utf-8") + b"\0")
        ptr = ctypes.c_void_p(ctypes.addressof(buf))
        out = []
        with _lock:
            lib, _, _ = _library()
            _use(lib, self._data, voice)
            if _state.get("tables_stale"):
                pause = b",\0"
                lib.espeak_Synth(pause, len(pause), 0, _POS_CHARACTER, 0, _CHARS_UTF8, None, None)
                _chunks.clear()
                _state["tables_stale"] = False
            while ptr.value:
                said = lib.espeak_TextToPhonemes(ctypes.byref(ptr), _CHARS_UTF8, 0)
                if said is None:
                    break
                out.append(said.decode("utf-8", "replace").strip())
        return " ".join(p for p in out if p)
