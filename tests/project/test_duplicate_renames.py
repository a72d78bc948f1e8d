"""Two scripts told to rename are never told the same new name (issue 23, case 6):
'mật-khẩu.md' written in NFC beside the same name in NFD both have an id with accents."""

from __future__ import annotations

import re
import unicodedata

from tests.cli_run import run_broadcast


def test_nfc_and_nfd_twins_are_offered_two_different_free_names(project_root, capsys):
    scripts = project_root / "scripts"
    text = (scripts / "mat-khau-manh.md").read_text(encoding="utf-8")
    text = text.replace("id: mat-khau-manh", "id: mật-khẩu")
    for form in ("NFC", "NFD"):
        (scripts / unicodedata.normalize(form, "mật-khẩu.md")).write_text(text, encoding="utf-8")
    if len(list(scripts.glob("m*t-kh*u.md"))) < 2:  # a file system that folds NFC/NFD
        return
    code, output = run_broadcast(["check", "--root", str(project_root)], capsys)
    assert code == 2, output
    assert "Traceback" not in output
    renames = re.findall(r"đổi tên tệp thành '?([\w.-]+\.md)", output)
    assert len(renames) == 2, output
    assert len(set(renames)) == 2, output
    for name in renames:
        assert not (scripts / name).exists(), name
