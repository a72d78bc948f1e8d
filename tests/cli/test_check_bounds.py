"""``broadcast check`` on hostile or careless input stays within its bounds (issue 23):
every refusal names the file, the limit and the fix; nothing within the bounds is
synthesized whole just to estimate its length."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from broadcast.cli.main import main
from broadcast.render.renderer import Renderer
from broadcast.schedule.estimate import MEASURE_MAX_CHARS

SENTENCE = (
    "Có người trả cho bà con vài trăm nghìn đồng, có khi 500.000 đồng, để mở một tài "
    "khoản ngân hàng rồi bán lại, hoặc cho thuê tài khoản, sim điện thoại, mượn ảnh CCCD."
)


def _with_body(root: Path, name: str, body: str) -> Path:
    path = root / "scripts" / name
    text = path.read_text(encoding="utf-8")
    head = text.split("\n---\n", 1)[0]
    path.write_text(head + "\n---\n" + body + "\n", encoding="utf-8")
    return path


class Result:
    def __init__(self, exit_code: int, output: str) -> None:
        self.exit_code, self.output = exit_code, output


def run_main(capsys: pytest.CaptureFixture[str], *args: str) -> Result:
    """The console entry point in-process: exit code and what the officer reads."""
    with pytest.raises(SystemExit) as stop:
        main(list(args))
    out = capsys.readouterr()
    return Result(int(stop.value.code or 0), out.out + out.err)


def test_a_648_kb_body_is_refused_at_once_naming_file_limit_and_fix(
    capsys, small_root, monkeypatch
):
    body = "\n".join([SENTENCE] * 4000)  # about 648 kB, as in the report
    assert len(body.encode()) > 600_000
    path = _with_body(small_root, "noi-trinh-bao.md", body)

    def no_speech(*_args, **_kwargs):
        raise AssertionError("check synthesized a body that is over the limit")

    monkeypatch.setattr(Renderer, "mix_audio", no_speech)
    start = time.monotonic()
    r = run_main(capsys, "check", "--root", str(small_root))
    took = time.monotonic() - start
    assert r.exit_code == 2, r.output
    assert "Không có lỗi" not in r.output
    assert str(path) in r.output
    assert "20.000 ký tự" in r.output
    assert "chia bản tin" in r.output and "max_script_chars" in r.output
    assert took < 5, f"{took:.1f} s"


def test_a_body_just_over_the_limit_is_refused_with_its_line(capsys, small_root):
    body = " ".join([SENTENCE] * 200)[:20_001]
    path = _with_body(small_root, "noi-trinh-bao.md", body)
    r = run_main(capsys, "check", "--root", str(small_root))
    assert r.exit_code == 2
    assert f"{path}, dòng" in r.output
    assert "dài 20.001 ký tự, quá giới hạn 20.000 ký tự" in r.output


def test_the_limit_is_a_setting_in_stations_yaml(capsys, small_root):
    body = " ".join([SENTENCE] * 200)[:20_001]
    _with_body(small_root, "noi-trinh-bao.md", body)
    stations = small_root / "schedules" / "stations.yaml"
    stations.write_text(
        "max_script_chars: 30000\n" + stations.read_text(encoding="utf-8"), encoding="utf-8"
    )
    r = run_main(capsys, "check", "--root", str(small_root))
    assert r.exit_code == 0, r.output
    stations.write_text(
        stations.read_text(encoding="utf-8").replace("30000", "1000000"), encoding="utf-8"
    )
    r = run_main(capsys, "check", "--root", str(small_root))
    assert r.exit_code == 2
    assert "max_script_chars" in r.output and "40000" in r.output


def test_a_long_body_within_the_limit_is_estimated_from_its_text_not_synthesized(
    capsys, small_root, monkeypatch
):
    body = "\n".join([SENTENCE] * 110)  # about 18,000 characters: within the limit
    assert MEASURE_MAX_CHARS < len(body) <= 20_000
    _with_body(small_root, "noi-trinh-bao.md", body)
    made: list[int] = []
    original = Renderer.mix_audio

    def counted(self, station, script, standalone):
        made.append(len(script.text))
        return original(self, station, script, standalone)

    monkeypatch.setattr(Renderer, "mix_audio", counted)
    start = time.monotonic()
    r = run_main(capsys, "check", "--root", str(small_root))
    assert r.exit_code == 0, r.output
    assert made and max(made) <= MEASURE_MAX_CHARS  # the short script was measured
    assert time.monotonic() - start < 10


@pytest.mark.parametrize("size", [3_000_000])
def test_a_huge_file_is_refused_by_its_size_before_it_is_read(
    capsys, small_root, monkeypatch, size
):
    path = _with_body(small_root, "noi-trinh-bao.md", "a" * size)
    read: list[Path] = []
    real = Path.read_bytes

    def spy(self):
        if self == path:
            read.append(self)
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", spy)
    r = run_main(capsys, "check", "--root", str(small_root))
    assert r.exit_code == 2
    assert "quá lớn cho giới hạn 20.000 ký tự" in r.output and str(path) in r.output
    assert not read


def test_normalize_refuses_what_check_refuses_and_answers_at_once(capsys, small_root, monkeypatch):
    """A 5 MB script took normalize 35 s and 220 MB: over the bound it is refused unread."""
    import broadcast.cli.normalize as normalize_cli

    def no_spoken(*_a, **_k):  # type: ignore[no-untyped-def]
        raise AssertionError("a body over the limit was read out")

    monkeypatch.setattr(normalize_cli, "spoken", no_spoken)
    big = _with_body(small_root, "noi-trinh-bao.md", "\n".join([SENTENCE] * 32_000))
    r = run_main(capsys, "normalize", str(big), "--root", str(small_root))
    assert r.exit_code == 2 and str(big) in r.output and "20.000 ký tự" in r.output
    over = _with_body(small_root, "noi-trinh-bao.md", " ".join([SENTENCE] * 200)[:20_001])
    r = run_main(capsys, "normalize", str(over), "--root", str(small_root))
    assert r.exit_code == 2 and f"{over}, dòng" in r.output and "20.001" in r.output
    r = run_main(capsys, "normalize", "a" * 20_001, "--root", str(small_root))
    assert r.exit_code == 2 and "giới hạn 20.000" in r.output
