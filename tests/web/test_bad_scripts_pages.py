"""One hostile script in scripts/ (issue 23) does not take the console down: the list
and the plan answer for everyone, the bad file listed as broken with its reason."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    "header,words",
    [
        # nested deeper than the schema needs
        ("x: " + "[" * 3000 + "]" * 3000 + "\n", "lồng nhau quá sâu"),
        # and longer than a header may be
        ("x: " + "[" * 5000 + "]" * 5000 + "\n", "quá giới hạn 10.000 ký tự"),
    ],
    ids=["deep", "deep-and-long"],
)
def test_scripts_and_plan_answer_200_beside_a_hostile_script(
    console_root, client_as, header, words
):
    bad = console_root / "scripts" / "noi-trinh-bao.md"
    text = bad.read_text(encoding="utf-8")
    bad.write_text(text.replace("audience: toàn dân\n", header, 1), encoding="utf-8")
    officer = client_as("officer")
    listing = officer.get("/scripts")
    assert listing.status_code == 200
    assert "noi-trinh-bao" in listing.text and "khong-cung-cap-otp" in listing.text
    assert '<span class="badge err">lỗi</span>' in listing.text and words in listing.text
    plan = officer.get("/plan")
    assert plan.status_code == 200
    page = officer.get("/scripts/noi-trinh-bao")
    assert page.status_code in (200, 400), page.status_code
