"""Google Translate's Vietnamese voice through gTTS: natural, online only.

gTTS sends one HTTP request per chunk of at most 100 characters. We cut the text
ourselves into breath groups (:func:`broadcast.text.spoken.split_breath_groups`) so
each request is one group, then join the parts with short fades and natural pauses
(:mod:`.joins`): gTTS's own cutter splits at every comma and concatenates raw MP3s.

gTTS has no timeout by default and ``save()`` leaves a 0-byte file on failure: we
pass a timeout, write into memory, retry transient failures with backoff, and turn
every failure into an EngineError in Vietnamese. A network that cannot be reached
raises EngineUnavailable so the speaker falls back for the rest of the run.
"""

from __future__ import annotations

import io
import logging
from pathlib import Path
from typing import Any

from pydub import AudioSegment
from tenacity import Retrying, retry_if_exception, stop_after_attempt, wait_exponential

from ..audio.ffmpeg import decode_mp3
from ..errors import EngineError
from ..text.spoken import split_breath_groups
from ..vocabulary import Dialect
from .base import Availability, Engine, EngineUnavailable, network_availability
from .joins import join_groups

log = logging.getLogger(__name__)

TLDS = ("com", "com.vn")
MAX_CHARS = 100  # gTTS.GOOGLE_TTS_MAX_CHARS: one request per breath group


class _Transient(Exception):
    """A failure worth retrying: no connection, timeout, 429 or a 5xx reply."""

    def __init__(self, cause: str, unreachable: bool) -> None:
        super().__init__(cause)
        self.cause = cause
        self.unreachable = unreachable


def host(tld: str) -> str:
    return f"translate.google.{tld}"


def _tld(options: dict[str, Any]) -> str:
    tld = str(options.get("tld", "com")).strip().lstrip(".")
    if tld not in TLDS:
        raise EngineError(
            f"gTTS không dùng được máy chủ 'translate.google.{tld}'",
            where="voice.options.gtts.tld",
            fix=f"chọn một trong: {', '.join(TLDS)}",
        )
    return tld


class GttsEngine(Engine):
    """Google's voice: natural, needs internet; about 1 s per breath group."""

    NAME = "gtts"
    ONLINE = True
    SUMMARY = "Google (gTTS): giọng tự nhiên, cần Internet / natural, online"
    VOICES = {Dialect.north: "vi", Dialect.central: "vi", Dialect.south: "vi"}

    def __init__(self, options: dict[str, Any] | None = None, base_dir: Path | None = None) -> None:
        super().__init__(options, base_dir)
        try:
            import gtts
        except ImportError:
            raise EngineUnavailable("Chưa cài gói gTTS", fix="chạy: pip install gTTS") from None
        self._gtts = gtts
        self.tld = _tld(self.options)
        self.timeout = float(self.options.get("timeout", 10))
        self.attempts = max(1, int(self.options.get("retries", 3)))
        self.backoff = float(self.options.get("backoff", 0.5))
        self.slow = bool(self.options.get("slow", False))

    @property
    def version(self) -> str:
        return f"gtts {self._gtts.__version__}"

    def settings(self) -> dict[str, Any]:
        return {"tld": self.tld, "slow": self.slow}

    @classmethod
    def availability(
        cls, options: dict[str, Any] | None = None, probe: bool = True, base_dir: Path | None = None
    ) -> Availability:
        basic = super().availability(options, probe, base_dir)
        if not basic.usable or not probe:
            return basic
        return network_availability(host(_tld(dict(options or {}))))

    # -- synthesis -------------------------------------------------------------------
    def synthesize(self, text: str, voice: str, rate: int) -> AudioSegment:
        groups = split_breath_groups(text, MAX_CHARS)
        if not groups:
            raise EngineError("Không có chữ nào để đọc")
        parts = [self._speak_group(g, voice) for g in groups]
        return join_groups(parts, groups)

    def _speak_group(self, group: str, voice: str) -> AudioSegment:
        retrying = Retrying(
            stop=stop_after_attempt(self.attempts),
            wait=wait_exponential(multiplier=self.backoff, max=8),
            retry=retry_if_exception(lambda e: isinstance(e, _Transient)),
            reraise=True,
            before_sleep=lambda st: log.info("gTTS thử lại lần %d", st.attempt_number + 1),
        )
        try:
            data = retrying(self._request, group, voice)
        except _Transient as exc:
            where = host(self.tld)
            if exc.unreachable:
                raise EngineUnavailable(
                    f"Không kết nối được máy chủ đọc của Google ({where}) sau "
                    f"{self.attempts} lần thử: {exc.cause}",
                    fix="kiểm tra Internet; trong lúc mất mạng bản tin được đọc bằng bộ đọc "
                    "dự phòng (ví dụ espeak) và sẽ đọc lại bằng gTTS khi có mạng",
                ) from None
            raise EngineError(
                f"Máy chủ đọc của Google ({where}) đang lỗi: {exc.cause}", fix="thử lại sau"
            ) from None
        return self._decode(data)

    def _request(self, group: str, voice: str) -> bytes:
        gtts = self._gtts
        tts = gtts.gTTS(
            group,
            lang=voice,
            tld=self.tld,
            slow=self.slow,
            lang_check=False,
            timeout=self.timeout,
            pre_processor_funcs=[],
            tokenizer_func=lambda t: [t],
        )
        buf = io.BytesIO()  # never save(): it leaves a 0-byte file behind on failure
        try:
            tts.write_to_fp(buf)
        except gtts.gTTSError as exc:
            rsp = getattr(exc, "rsp", None)
            if rsp is None:
                raise _Transient(str(exc), unreachable=True) from None
            status = int(rsp.status_code)
            if status == 429 or status >= 500:
                raise _Transient(f"mã HTTP {status}", unreachable=status == 429) from None
            if status in (403, 404):
                raise EngineUnavailable(
                    f"Máy chủ {host(self.tld)} từ chối yêu cầu đọc (mã HTTP {status})",
                    fix="thử tld khác (com / com.vn) hoặc cập nhật: pip install -U gTTS",
                ) from None
            raise EngineError(f"gTTS lỗi: {exc}") from None
        data = buf.getvalue()
        if not data:
            raise EngineError(
                "Máy chủ đọc của Google không trả về âm thanh", fix="cập nhật: pip install -U gTTS"
            )
        return data

    def _decode(self, data: bytes) -> AudioSegment:
        return decode_mp3(
            data, "Google", fix="thử lại sau; nếu vẫn lỗi, cập nhật: pip install -U gTTS"
        )
