"""``broadcast normalize`` reads what render reads: the body of a script, with the lexicon."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from broadcast.cli.main import cli, main
from broadcast.text.spoken import spoken

REPO = Path(__file__).resolve().parents[2]

SCRIPT = """---
id: htx-lua-dao
title: Cảnh giác HTX giả mạo
topic: mạo danh
directive: {number: 818/STTTT-TTBCVT, date: 11/04/2024, issuer: Sở TT&TT}
---
VHXX Tân Phú không bao giờ gọi 0912.345.678 để hỏi mã OTP.
"""


def project(
    tmp_path: Path, lexicon: str = "VHXX: văn hóa xã hội\nTân Phú: tân phú quê ta\n"
) -> Path:
    (tmp_path / "schedules").mkdir()
    (tmp_path / "schedules" / "lexicon.yaml").write_text(lexicon, encoding="utf-8")
    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / "htx-lua-dao.md").write_text(SCRIPT, encoding="utf-8")
    return tmp_path


BODY = (
    "văn hóa xã hội tân phú quê ta không bao giờ gọi không chín một hai, ba bốn năm, sáu bảy tám "
    "để hỏi mã ô tê pê."
)


def invoke(*args: str, stdin: str | None = None):
    return CliRunner().invoke(cli, ["normalize", *args], input=stdin)


def test_script_file_reads_only_the_body_with_the_project_lexicon(tmp_path: Path) -> None:
    root = project(tmp_path)
    r = invoke(str(root / "scripts" / "htx-lua-dao.md"), "--root", str(root))
    assert r.exit_code == 0, r.output
    assert r.output == BODY + "\n"
    assert "id" not in r.output and "directive" not in r.output


def test_script_on_stdin_reads_only_the_body(tmp_path: Path) -> None:
    root = project(tmp_path)
    r = invoke("-", "--root", str(root), stdin=SCRIPT)
    assert r.exit_code == 0, r.output
    assert r.output == BODY + "\n"


def test_same_reading_as_render(tmp_path: Path) -> None:
    """On the shipped project: what render hands the engine is what normalize prints."""
    from broadcast.project.loader import load_project
    from broadcast.render.renderer import Renderer

    project_ = load_project(REPO)
    renderer = Renderer(project_, tmp_path)
    assert renderer.lexicon  # the shipped project has a lexicon: the test means something
    for script in list(project_.scripts.values())[:3]:
        expected = spoken(script.text, "south", renderer.lexicon)
        r = invoke(str(script.path), "--root", str(REPO), "--dialect", "south")
        assert r.exit_code == 0, r.output
        assert r.output == expected + "\n"


def test_lexicon_can_be_turned_off_or_replaced(tmp_path: Path) -> None:
    root = project(tmp_path)
    r = invoke("VHXX Tân Phú", "--root", str(root), "--no-lexicon")
    assert r.output == "vê hát ích ích Tân Phú.\n"
    other = tmp_path / "khac.yaml"
    other.write_text("VHXX: văn hóa xã hội xã\n", encoding="utf-8")
    r = invoke("VHXX Tân Phú", "--root", str(root), "--lexicon", str(other))
    assert r.output == "văn hóa xã hội xã Tân Phú.\n"


def test_plain_stdin_stays_line_for_line(tmp_path: Path) -> None:
    root = project(tmp_path)
    r = invoke("-", "--root", str(root), stdin="VHXX xã\n\ngọi 113\n")
    assert r.exit_code == 0, r.output
    assert r.output.splitlines() == ["văn hóa xã hội xã.", "", "gọi một một ba."]


def run_main(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """Through the console entry point, which alone turns errors into exit codes."""
    with pytest.raises(SystemExit) as done:
        main(["normalize", *args])
    return int(done.value.code or 0), capsys.readouterr().err


def test_missing_script_file_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = run_main([str(tmp_path / "khong-co.md"), "--root", str(tmp_path)], capsys)
    assert code == 2
    assert "Không tìm thấy tệp" in err and "khong-co.md" in err and "Cách sửa" in err
    assert "Traceback" not in err


def test_broken_lexicon_names_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = project(tmp_path, lexicon="- chỉ là danh sách\n")
    code, err = run_main(["VHXX", "--root", str(root)], capsys)
    assert code == 2
    assert "lexicon.yaml" in err and "chữ viết: cách đọc" in err
