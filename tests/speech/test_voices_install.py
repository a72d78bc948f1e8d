"""``broadcast voices install FILE.onnx``: a Piper voice from a USB stick (issue 20)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from broadcast.cli import cli
from broadcast.cli import voices as voices_cli
from broadcast.errors import InputError
from broadcast.speech import measured as measured_module
from broadcast.speech import piper_install
from broadcast.speech.measured import Measured, measured

NAME = "vi_VN-vais1000-medium"
CONFIG = {
    "audio": {"sample_rate": 22050, "quality": "medium"},
    "espeak": {"voice": "vi"},
    "language": {"code": "vi_VN"},
    "num_symbols": 3,
    "num_speakers": 1,
    "phoneme_id_map": {"_": [0], "^": [1], "$": [2]},
}


@pytest.fixture
def usb(tmp_path: Path) -> Path:
    """A USB stick with a voice: a model of the smallest accepted size and its config."""
    stick = tmp_path / "usb"
    stick.mkdir()
    (stick / f"{NAME}.onnx").write_bytes(b"\x08\x07" * (piper_install.MIN_MODEL_BYTES // 2))
    (stick / f"{NAME}.onnx.json").write_text(json.dumps(CONFIG), "utf-8")
    return stick


@pytest.fixture
def root(tmp_path: Path) -> Path:
    r = tmp_path / "du-an"
    r.mkdir()
    return r


def _install(root: Path, *args: str):  # type: ignore[no-untyped-def]
    return CliRunner(mix_stderr=False).invoke(
        cli, ["voices", "install", *args, "--root", str(root)]
    )


def _refused(res, *words: str) -> str:  # type: ignore[no-untyped-def]
    assert isinstance(res.exception, InputError), res.output
    assert res.exception.exit_code == 2
    msg = res.exception.message
    for w in words:
        assert w in msg, msg
    assert "Cách sửa" in msg
    return msg


def test_good_install_copies_both_files_and_says_how_to_use_it(usb: Path, root: Path):
    res = _install(root, str(usb / f"{NAME}.onnx"))
    assert res.exit_code == 0, res.output + res.stderr
    model, config = root / "voices" / f"{NAME}.onnx", root / "voices" / f"{NAME}.onnx.json"
    assert model.read_bytes() == (usb / f"{NAME}.onnx").read_bytes()
    assert json.loads(config.read_text("utf-8")) == CONFIG
    assert not list((root / "voices").glob(".*tmp*"))  # no temp left behind
    assert f"Đã cài giọng Piper '{NAME}'" in res.output
    # the printed stations.yaml lines are valid YAML that piper.py reads as-is
    block = res.output.split("stations.yaml, ở đài cần giọng này:\n", 1)[1].split("  rồi", 1)[0]
    voice = yaml.safe_load(block)["voice"]
    assert voice["engines"] == ["piper", "espeak"]
    assert (root / voice["options"]["piper"]["model"]).resolve() == model.resolve()
    # how it sounds: not measured (the bench measures eSpeak only), eSpeak's figure beside
    assert f"piper {NAME}: chưa đo" in res.output
    assert "bench/bench_intelligibility.py" in res.output
    if ("espeak", "vi") in measured():
        assert "espeak vi: tỉ lệ nghe sai" in res.output


def test_install_prints_the_measured_figure_when_there_is_one(usb, root, monkeypatch):
    figures = dict(measured())
    figures[("piper", "giong-xa")] = [Measured("north", 0.412, "Whisper base", "2026-12-07")]
    monkeypatch.setattr(voices_cli, "measured", lambda: figures)
    monkeypatch.setattr(measured_module, "measured", lambda: figures)  # what describe() reads
    res = _install(root, str(usb / f"{NAME}.onnx"), "--name", "giong-xa")
    assert res.exit_code == 0, res.output
    assert (
        "piper giong-xa: tỉ lệ nghe sai lời miền Bắc 0.41" in res.output
        and "chưa đo" not in res.output
    )
    assert (root / "voices" / "giong-xa.onnx").is_file()
    assert (root / "voices" / "giong-xa.onnx.json").is_file()
    assert "model: voices/giong-xa.onnx" in res.output


def test_missing_json_is_refused_naming_it(usb: Path, root: Path):
    (usb / f"{NAME}.onnx.json").unlink()
    res = _install(root, str(usb / f"{NAME}.onnx"))
    _refused(res, f"Không thấy tệp cấu hình giọng {NAME}.onnx.json")
    assert not (root / "voices").exists()


@pytest.mark.parametrize(
    "text,words",
    [
        ('{"audio": {"sample_rate": 22050}', "hỏng, không đọc được JSON"),
        (json.dumps({**CONFIG, "audio": {}}), "audio.sample_rate"),
        (
            json.dumps({k: v for k, v in CONFIG.items() if k not in ("espeak", "language")}),
            "espeak.voice",
        ),
        (json.dumps({**CONFIG, "phoneme_id_map": {}}), "phoneme_id_map"),
        ("[1, 2]", "audio.sample_rate"),
    ],
)
def test_broken_json_is_refused_naming_what_is_wrong(usb, root, text, words):
    (usb / f"{NAME}.onnx.json").write_text(text, "utf-8")
    res = _install(root, str(usb / f"{NAME}.onnx"))
    _refused(res, f"{NAME}.onnx.json", words)
    assert not list(root.glob("voices/*"))


def test_language_code_stands_in_for_espeak_voice(usb, root):
    cfg = {k: v for k, v in CONFIG.items() if k != "espeak"}
    (usb / f"{NAME}.onnx.json").write_text(json.dumps(cfg), "utf-8")
    res = _install(root, str(usb / f"{NAME}.onnx"))
    assert res.exit_code == 0 and "ngôn ngữ đọc vi_VN" in res.output


def test_existing_name_refused_then_force_replaces(usb, root):
    assert _install(root, str(usb / f"{NAME}.onnx")).exit_code == 0
    new = b"\x01\x02" * (piper_install.MIN_MODEL_BYTES // 2 + 5)
    (usb / f"{NAME}.onnx").write_bytes(new)
    res = _install(root, str(usb / f"{NAME}.onnx"))
    _refused(res, f"Đã có giọng '{NAME}'", "--force")
    assert (root / "voices" / f"{NAME}.onnx").read_bytes() != new  # the old voice kept
    res = _install(root, str(usb / f"{NAME}.onnx"), "--force")
    assert res.exit_code == 0, res.output
    assert "Đã thay giọng Piper" in res.output
    assert (root / "voices" / f"{NAME}.onnx").read_bytes() == new


@pytest.mark.parametrize("file", [f"{NAME}.onnx.json", f"{NAME}.bin", NAME])
def test_wrong_extension_is_refused(usb, root, file):
    (usb / NAME).write_bytes(b"x")
    (usb / f"{NAME}.bin").write_bytes(b"x")
    res = _install(root, str(usb / file))
    _refused(res, "không phải tệp giọng Piper (.onnx)")
    assert not (root / "voices").exists()


def test_missing_and_cut_short_models_are_refused(usb, root):
    _refused(_install(root, str(usb / "khong-co.onnx")), "Không thấy tệp giọng")
    (usb / f"{NAME}.onnx").write_bytes(b"\x08" * 1000)  # a copy stopped early
    _refused(_install(root, str(usb / f"{NAME}.onnx")), "không giống một giọng Piper", "chép lại")
    assert not (root / "voices").exists()


def test_bad_name_is_refused(usb, root):
    _refused(_install(root, str(usb / f"{NAME}.onnx"), "--name", "../ngoai"), "Tên giọng")
    assert not (root.parent / "ngoai.onnx").exists()


def test_no_traceback_through_the_console_entry(usb, root, capsys):
    from broadcast.cli.main import main

    (usb / f"{NAME}.onnx.json").write_text("{hỏng", "utf-8")
    with pytest.raises(SystemExit) as stop:
        main(["voices", "install", str(usb / f"{NAME}.onnx"), "--root", str(root)])
    err = capsys.readouterr().err
    assert stop.value.code == 2
    assert err.startswith("Lỗi: Tệp cấu hình giọng") and "Traceback" not in err
