"""A project file that is a link out of the project is refused by the CLI too (issue 23:
"symlinks out of the project are refused everywhere"): scripts, campaign files, the
lexicon, stations.yaml and jingles. The refusal names the file and the fix, never shows
what the link leads to, and a build leaves a linked script out with a note."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli_run import run_broadcast

SECRET = "Nội dung bí mật của xã bên cạnh"
REFUSED = "là liên kết tới một tệp ngoài thư mục dự án"


def _link_out(root: Path, rel: str, text: str | None = None) -> Path:
    """Move ``root/rel`` (or write ``text``) outside the project and leave a link in its place."""
    inside = root / rel
    outside = root.parent / "ngoai-du-an" / Path(rel).name
    outside.parent.mkdir(exist_ok=True)
    content = inside.read_text(encoding="utf-8") if text is None else text
    outside.write_text(content + f"\n# {SECRET}\n", encoding="utf-8")
    inside.unlink(missing_ok=True)
    inside.symlink_to(outside)
    return outside


def _script_linked(root: Path) -> str:
    text = (root / "scripts" / "noi-trinh-bao.md").read_text(encoding="utf-8")
    _link_out(root, "scripts/lien-ket.md", text.replace("id: noi-trinh-bao", "id: lien-ket"))
    return "scripts/lien-ket.md"


def _jingle_linked(root: Path) -> str:
    (root / "jingles").mkdir(exist_ok=True)
    (root / "jingles" / "dau.mp3").write_bytes(b"\xff\xfb" + bytes(400))
    stations = root / "schedules" / "stations.yaml"
    text = stations.read_text(encoding="utf-8")
    stations.write_text(
        text.replace("    kind: fm\n", "    kind: fm\n    jingles: {intro: jingles/dau.mp3}\n", 1),
        encoding="utf-8",
    )
    _link_out(root, "jingles/dau.mp3", "không phải âm thanh")
    return "jingles/dau.mp3"


LINKS = {
    "script": _script_linked,
    "campaign": lambda root: _link_out(root, "schedules/campaign.yaml") and "campaign.yaml",
    "lexicon": lambda root: _link_out(root, "schedules/lexicon.yaml") and "lexicon.yaml",
    "stations": lambda root: _link_out(root, "schedules/stations.yaml") and "stations.yaml",
    "jingle": _jingle_linked,
}


@pytest.mark.parametrize("kind", list(LINKS))
def test_check_refuses_a_project_file_linked_out_of_the_project(small_root, capsys, kind):
    named = LINKS[kind](small_root)
    code, output = run_broadcast(["check", "--root", str(small_root)], capsys)
    assert code == 2, output
    assert REFUSED in output and Path(named).name in output, output
    assert "chép nội dung vào một tệp thật" in output
    assert SECRET not in output and "ngoai-du-an" not in output
    assert "Traceback" not in output


def test_a_build_leaves_a_linked_script_out_and_builds_the_rest(small_root, tmp_path, capsys):
    _script_linked(small_root)
    out = tmp_path / "out"
    args = ["build", "--root", str(small_root), "--out", str(out), "--date", "2026-11-25"]
    code, output = run_broadcast(args, capsys)
    assert code == 2, output  # the rest is built; the exit says something was left out
    assert "Đã làm xong phần còn lại" in output
    assert "lien-ket.md" in output and REFUSED in output, output
    orders = sorted((out / "playlists" / "2026-11-25").glob("*.json"))
    assert orders, output
    for order in orders:
        text = order.read_text(encoding="utf-8")
        assert "noi-trinh-bao" in text and "lien-ket" not in text


def test_normalize_does_not_read_a_linked_lexicon(small_root, capsys):
    _link_out(small_root, "schedules/lexicon.yaml")
    code, output = run_broadcast(["normalize", "--root", str(small_root), "Gọi 156"], capsys)
    assert code != 0 and REFUSED in output, output
    assert SECRET not in output
