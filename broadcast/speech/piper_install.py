"""Install a Piper voice from a file (``broadcast voices install FILE.onnx``, issue 20).

An office receives a voice on a USB stick: ``NAME.onnx`` and beside it ``NAME.onnx.json``.
The two are checked without loading the model (piper-tts need not be installed) and copied
atomically into the project's ``voices/`` folder, the folder the station's
``voice.options.piper.model`` names (:mod:`broadcast.speech.piper`).
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..files.atomic import write_with

VOICES_DIR = "voices"
#: the smallest Piper voice (x_low) is about 20 MB, the largest (high) about 120 MB: a model
#: under 1 MB is a cut-short copy, one over 1 GB is not a Piper voice
MIN_MODEL_BYTES = 1 << 20
MAX_MODEL_BYTES = 1 << 30
MAX_CONFIG_BYTES = 5 << 20
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")


@dataclass(frozen=True)
class Installed:
    name: str
    model: Path  # where it now is
    config: Path
    relative: str  # what to write in stations.yaml
    sample_rate: int
    espeak_voice: str
    replaced: bool


def _mb(n: int) -> str:
    return f"{n / (1 << 20):.1f} MB"


def check_config(config: Path) -> tuple[int, str]:
    """(sample rate, eSpeak voice) from a Piper ``.onnx.json``; InputError naming the fix."""
    fix_get = (
        "chép lại tệp .onnx.json đi kèm giọng (cùng tên, thêm .json) từ nơi gửi, hoặc tải "
        "từ bộ sưu tập rhasspy/piper-voices"
    )
    size = config.stat().st_size
    if size > MAX_CONFIG_BYTES:
        raise InputError(
            f"Tệp cấu hình giọng {config.name} quá lớn ({_mb(size)}), không phải cấu hình Piper",
            where=str(config),
            fix=fix_get,
        )
    try:
        doc: Any = json.loads(config.read_text("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(
            f"Tệp cấu hình giọng {config.name} hỏng, không đọc được JSON ({exc})"[:300],
            where=str(config),
            fix=fix_get,
        ) from None
    missing = []
    audio = doc.get("audio") if isinstance(doc, dict) else None
    rate = audio.get("sample_rate") if isinstance(audio, dict) else None
    if not isinstance(rate, int) or isinstance(rate, bool) or not 8000 <= rate <= 96000:
        missing.append("audio.sample_rate (số mẫu mỗi giây, ví dụ 22050)")
    espeak = doc.get("espeak") if isinstance(doc, dict) else None
    language = doc.get("language") if isinstance(doc, dict) else None
    voice = espeak.get("voice") if isinstance(espeak, dict) else None
    if not voice and isinstance(language, dict):
        voice = language.get("code")
    if not isinstance(voice, str) or not voice:
        missing.append("espeak.voice hoặc language.code (ngôn ngữ, ví dụ vi)")
    ids = doc.get("phoneme_id_map") if isinstance(doc, dict) else None
    if not isinstance(ids, dict) or not ids:
        missing.append("phoneme_id_map (bảng âm vị của giọng)")
    if missing:
        raise InputError(
            f"Tệp cấu hình giọng {config.name} thiếu mục Piper cần: " + "; ".join(missing),
            where=str(config),
            fix=fix_get,
        )
    assert isinstance(rate, int) and isinstance(voice, str)
    return rate, voice


def _copier(source: Path) -> Callable[[Path], None]:
    def copy(tmp: Path) -> None:
        shutil.copyfile(source, tmp)

    return copy


def install_voice(
    source: Path, root: Path, name: str | None = None, force: bool = False
) -> Installed:
    """Check ``source`` and its ``.onnx.json``, copy both into ``root/voices/NAME.onnx``."""
    source = Path(source).expanduser()
    if source.suffix.lower() != ".onnx":
        hint = ""
        if source.name.lower().endswith(".onnx.json"):
            hint = f" (đây là tệp cấu hình; chỉ tệp giọng: {source.name[: -len('.json')]})"
        raise InputError(
            f"Tệp {source.name} không phải tệp giọng Piper (.onnx){hint}",
            where=str(source),
            fix="chỉ tệp giọng có đuôi .onnx, ví dụ: broadcast voices install "
            "E:/vi_VN-vais1000-medium.onnx (tệp .onnx.json đặt cạnh nó)",
        )
    if not source.is_file():
        raise InputError(
            f"Không thấy tệp giọng {source}",
            where=str(source),
            fix="kiểm tra đường dẫn và tên tệp (USB đã cắm và mở được chưa?)",
        )
    config = source.with_name(source.name + ".json")
    if not config.is_file():
        raise InputError(
            f"Không thấy tệp cấu hình giọng {config.name} cạnh {source.name}",
            where=str(config),
            fix=f"chép tệp {config.name} (đi kèm giọng) vào cùng thư mục với {source.name}",
        )
    size = source.stat().st_size
    if not MIN_MODEL_BYTES <= size <= MAX_MODEL_BYTES:
        raise InputError(
            f"Tệp giọng {source.name} có cỡ {_mb(size)}, không giống một giọng Piper "
            f"(từ {_mb(MIN_MODEL_BYTES)} đến {_mb(MAX_MODEL_BYTES)})",
            where=str(source),
            fix="chép lại tệp từ nơi gửi (có thể chép dở hoặc chép nhầm tệp)",
        )
    rate, voice = check_config(config)
    name = name if name is not None else source.name[: -len(".onnx")]
    if name.lower().endswith(".onnx"):
        name = name[: -len(".onnx")]
    if not _NAME.match(name):
        raise InputError(
            f"Tên giọng '{name}' không dùng được",
            where="--name",
            fix="dùng chữ không dấu, số, '-', '_' hoặc '.', ví dụ --name vi_VN-vais1000-medium",
        )
    folder = Path(root) / VOICES_DIR
    model_to = folder / f"{name}.onnx"
    config_to = folder / f"{name}.onnx.json"
    replaced = model_to.exists() or config_to.exists()
    if replaced and not force:
        raise InputError(
            f"Đã có giọng '{name}' ở {model_to}",
            where=str(model_to),
            fix=f"thêm --force để thay giọng cũ, hoặc đặt tên khác: --name {name}-moi",
        )
    if model_to.resolve() == source.resolve():
        raise InputError(
            f"Tệp {source.name} đã nằm sẵn trong thư mục giọng {folder}",
            where=str(source),
            fix="không cần cài lại; hoặc chọn tệp ở chỗ khác (USB)",
        )
    folder.mkdir(parents=True, exist_ok=True)
    # The model first, the config last: piper.py reads a model only beside its config, so
    # a stop between the two leaves no half voice that loads with the wrong config.
    had_model = model_to.exists()
    write_with(model_to, _copier(source))
    try:
        write_with(config_to, _copier(config))
    except BaseException:
        if not had_model:
            model_to.unlink(missing_ok=True)
        raise
    return Installed(
        name=name,
        model=model_to,
        config=config_to,
        relative=f"{VOICES_DIR}/{model_to.name}",
        sample_rate=rate,
        espeak_voice=voice,
        replaced=replaced,
    )
