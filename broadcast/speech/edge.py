"""Microsoft Edge's neural Vietnamese voices through edge-tts (online, optional extra).

Two voices: vi-VN-HoaiMyNeural (female) and vi-VN-NamMinhNeural (male); both speak
the northern standard, so the dialect does not choose between them, the station's
``options: {edge: {voice: ...}}`` does. The service speaks a whole text in one
websocket session and returns MP3: no breath-group joining needed. Failures to
connect become EngineUnavailable (fall back for the rest of the run).
"""

from __future__ import annotations

import io
from importlib import metadata
from pathlib import Path
from typing import Any

from pydub import AudioSegment
from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from ..audio.ffmpeg import decode_mp3
from ..errors import EngineError
from ..vocabulary import Dialect
from .base import Availability, Engine, EngineUnavailable, network_availability

HOST = "speech.platform.bing.com"
BASE_RATE = 135
INSTALL = "chạy: pip install 'broadcast[edge]'  (hoặc: pip install edge-tts)"


class _Unreachable(Exception):
    pass


def rate_string(rate: int) -> str:
    """Words per minute relative to 135 as edge-tts's '+N%' / '-N%'."""
    pct = round((rate / BASE_RATE - 1) * 100)
    return f"{pct:+d}%"


class EdgeEngine(Engine):
    """Neural voices, very natural, need internet; one request per text."""

    NAME = "edge"
    ONLINE = True
    SUMMARY = "Microsoft Edge (edge-tts): giọng nơ-ron, cần Internet / neural, online"
    VOICES = {
        Dialect.north: "vi-VN-HoaiMyNeural",
        Dialect.central: "vi-VN-HoaiMyNeural",
        Dialect.south: "vi-VN-HoaiMyNeural",
    }
    ALL_VOICES = ("vi-VN-HoaiMyNeural", "vi-VN-NamMinhNeural")

    def __init__(self, options: dict[str, Any] | None = None, base_dir: Path | None = None) -> None:
        super().__init__(options, base_dir)
        try:
            import edge_tts
        except ImportError:
            raise EngineUnavailable("Chưa cài bộ đọc edge-tts", fix=INSTALL) from None
        self._edge = edge_tts
        voice = self.options.get("voice")
        if voice is not None and voice not in self.ALL_VOICES:
            raise EngineError(
                f"edge-tts không có giọng tiếng Việt '{voice}'",
                where="voice.options.edge.voice",
                fix="chọn một trong: " + ", ".join(self.ALL_VOICES),
            )
        self.timeout = int(self.options.get("timeout", 10))
        self.attempts = max(1, int(self.options.get("retries", 3)))
        self.backoff = float(self.options.get("backoff", 0.5))

    @classmethod
    def voices(cls) -> list[str]:
        return list(cls.ALL_VOICES)

    @property
    def version(self) -> str:
        try:
            return f"edge-tts {metadata.version('edge-tts')}"
        except metadata.PackageNotFoundError:
            return "edge-tts ?"

    @classmethod
    def availability(
        cls, options: dict[str, Any] | None = None, probe: bool = True, base_dir: Path | None = None
    ) -> Availability:
        basic = super().availability(options, probe, base_dir)
        if not basic.usable or not probe:
            return basic
        return network_availability(HOST)

    def synthesize(self, text: str, voice: str, rate: int) -> AudioSegment:
        retrying = Retrying(
            stop=stop_after_attempt(self.attempts),
            wait=wait_exponential(multiplier=self.backoff, max=8),
            retry=retry_if_exception_type(_Unreachable),
            reraise=True,
        )
        try:
            data = retrying(self._request, text, voice, rate)
        except _Unreachable as exc:
            raise EngineUnavailable(
                f"Không kết nối được máy chủ đọc của Microsoft ({HOST}) sau "
                f"{self.attempts} lần thử: {exc}",
                fix="kiểm tra Internet; trong lúc mất mạng bản tin dùng bộ đọc dự phòng",
            ) from None
        return decode_mp3(data, "edge-tts", fix="thử lại sau")

    def _request(self, text: str, voice: str, rate: int) -> bytes:
        import aiohttp

        edge = self._edge
        comm = edge.Communicate(
            text,
            voice,
            rate=rate_string(rate),
            connect_timeout=self.timeout,
            receive_timeout=self.timeout * 6,
        )
        buf = io.BytesIO()
        try:
            for chunk in comm.stream_sync():
                if chunk.get("type") == "audio":
                    buf.write(chunk["data"])
        except (
            aiohttp.ClientConnectionError,
            TimeoutError,
            OSError,
            edge.exceptions.WebSocketError,
        ) as exc:
            raise _Unreachable(f"{exc.__class__.__name__}: {exc}"[:200]) from None
        except aiohttp.ClientResponseError as exc:
            if exc.status in (429,) or exc.status >= 500:
                raise _Unreachable(f"mã HTTP {exc.status}") from None
            raise EngineUnavailable(
                f"Máy chủ {HOST} từ chối yêu cầu đọc (mã HTTP {exc.status})",
                fix="cập nhật: pip install -U edge-tts",
            ) from None
        except edge.exceptions.EdgeTTSException as exc:
            raise EngineError(f"edge-tts lỗi: {exc.__class__.__name__}: {exc}"[:300]) from None
        data = buf.getvalue()
        if not data:
            raise EngineError("Máy chủ đọc của Microsoft không trả về âm thanh")
        return data
