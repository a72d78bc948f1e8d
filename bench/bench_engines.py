"""Real-time factor of each speech engine usable here, and the speech-cache hit path.

Run:  python bench/bench_engines.py [--piper-model voice.onnx]

Online engines (gtts, edge) are skipped: timing them against a faked local HTTP
layer measures the fake, not the service. Piper is timed only with a real voice
(--piper-model); the tests' tiny ONNX graph is not a voice.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from broadcast.project.schedule import Dialect, VoiceSettings
from broadcast.speech.cache import SpeechCache
from broadcast.speech.registry import ENGINES
from broadcast.speech.speaker import Speaker

TEXT = (
    "Bà con cảnh giác với các cuộc gọi tự xưng là công an, viện kiểm sát, tòa án. "
    "Cơ quan công an không làm việc qua điện thoại, không yêu cầu chuyển tiền, "
    "không đề nghị cung cấp mã xác thực hay mật khẩu tài khoản ngân hàng. "
    "Khi nhận được cuộc gọi như vậy, bà con hãy cúp máy và báo ngay cho công an xã "
    "hoặc gọi số một một ba. "
) * 4


def bench_engine(name: str, options: dict, repeats: int = 3) -> None:
    cls = ENGINES[name]
    avail = cls.availability(options, probe=False)
    if not avail.usable:
        print(f"{name:7} bỏ qua / skipped: {avail.reason}")
        return
    eng = cls(options)
    voice = eng.voice_for(Dialect.north)
    eng.synthesize("Xin chào.", voice, 135)  # warm up: load library or model
    best = float("inf")
    audio = None
    for _ in range(repeats):
        t0 = time.perf_counter()
        audio = eng.synthesize(TEXT, voice, 135)
        best = min(best, time.perf_counter() - t0)
    assert audio is not None
    secs = len(audio) / 1000
    print(
        f"{name:7} {len(TEXT)} ký tự -> {secs:.1f} s tiếng trong {best * 1000:.0f} ms: "
        f"RTF {best / secs:.4f} ({secs / best:,.0f}x nhanh hơn thời gian thực)"
    )


def bench_cache_hit(bulletins: int = 50) -> None:
    """Time per bulletin (header, body, "xin nhắc lại") when all speech is cached."""
    with tempfile.TemporaryDirectory() as tmp:
        cache = SpeechCache(Path(tmp))
        texts = [
            (f"Đài truyền thanh xã xin thông báo số {i}.", TEXT + f" Bản tin {i}.", "Xin nhắc lại.")
            for i in range(bulletins)
        ]
        speaker = Speaker(VoiceSettings(engines=["espeak"]), Dialect.north, cache=cache)
        for parts in texts:
            for t in parts:
                speaker.speak(t)
        speaker = Speaker(VoiceSettings(engines=["espeak"]), Dialect.north, cache=cache)
        t0 = time.perf_counter()
        for parts in texts:
            for t in parts:
                assert speaker.speak(t).cached
        per = (time.perf_counter() - t0) / bulletins
        size = cache.stats().bytes / bulletins
        print(
            f"cache   trúng bộ nhớ / hit path: {per * 1000:.1f} ms mỗi bản tin "
            f"({size / 1024:.0f} KB WAV mỗi bản tin)"
        )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--piper-model", help="a real Piper voice .onnx (with .onnx.json)")
    args = ap.parse_args(argv)
    for name in ENGINES:
        if ENGINES[name].ONLINE:
            print(
                f"{name:7} bỏ qua / skipped: online engine; a faked HTTP layer is not "
                "a meaningful timing"
            )
            continue
        opts = {"model": args.piper_model} if name == "piper" and args.piper_model else {}
        bench_engine(name, opts)
    bench_cache_hit()
    return 0


if __name__ == "__main__":
    sys.exit(main())
