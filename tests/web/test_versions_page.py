"""Issue 18 in the console: turning approval on asks first; labels agree on every page; a
script page shows the version on air, the waiting draft and their diff."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from broadcast.project.accounts import Store
from broadcast.project.approval import Approvals, console_db, file_hash
from broadcast.web.app import create_app
from broadcast.web.scriptform import fields_of

from .conftest import FAST, PASSWORD, USERS, csrf_of, login, require_approval

NOI = "noi-trinh-bao"


@pytest.fixture
def fresh(small_root: Path):
    """Approval just turned on, nothing approved yet (no baseline any more)."""
    require_approval(small_root)
    store = Store(console_db(small_root), hasher=FAST)
    for name, role in USERS.items():
        store.add_user(name, role, PASSWORD)
    app = create_app(small_root, small_root / "audio_out", secret="x" * 32)
    clients: list[TestClient] = []

    def client(role: str) -> TestClient:
        c = TestClient(app, base_url="http://127.0.0.1")
        clients.append(c)
        name = next(n for n, r in USERS.items() if r == role)
        assert login(c, name).status_code == 303
        return c

    yield small_root, client
    for c in clients:
        c.close()


def badge(html: str, sid: str) -> str:
    """The label of ``sid``'s row on the list page."""
    row = html.split(f'<a href="/scripts/{sid}">', 1)[1].split("</tr>", 1)[0]
    return re.search(r'<span class="badge[^"]*">([^<]+)</span>', row).group(1)


def test_opening_the_console_approves_nothing_and_the_operator_is_asked(fresh):
    root, client = fresh
    officer, operator = client("officer"), client("operator")
    listing = officer.get("/scripts").text
    assert badge(listing, NOI) == "bản nháp"
    assert Approvals(console_db(root)).all() == []  # no silent baseline
    assert 'id="approve-existing"' not in listing  # an officer is not offered it
    page = operator.get("/scripts").text
    assert "2 kịch bản chưa từng được duyệt" in page and 'id="approve-existing"' in page
    token = csrf_of(page)
    step = operator.post("/scripts/approve-existing", data={"csrf": token})
    assert step.status_code == 200 and "Tôi đã đọc: ghi 2 kịch bản" in step.text
    assert Approvals(console_db(root)).all() == []  # the first step records nothing
    assert officer.post("/scripts/approve-existing", data={"csrf": token}).status_code == 403
    assert operator.post("/scripts/approve-existing", data={"confirm": "yes"}).status_code == 403
    fields = dict(re.findall(r'name="(v-[a-z0-9-]+)" value="([0-9a-f]+)"', step.text))
    res = operator.post(
        "/scripts/approve-existing", data={"csrf": token, "confirm": "yes", **fields}
    )
    assert res.status_code == 200
    rows = Approvals(console_db(root)).all()
    assert sorted((r.script_id, r.by) for r in rows) == [
        ("khong-cung-cap-otp", "ky-thuat"),
        (NOI, "ky-thuat"),
    ]
    assert badge(res.text, NOI) == "đã duyệt"


def test_a_version_changed_after_the_confirmation_page_is_not_approved(fresh):
    root, client = fresh
    operator = client("operator")
    step = operator.post(
        "/scripts/approve-existing", data={"csrf": csrf_of(operator.get("/scripts").text)}
    )
    fields = dict(re.findall(r'name="(v-[a-z0-9-]+)" value="([0-9a-f]+)"', step.text))
    path = root / "scripts" / f"{NOI}.md"
    path.write_text(path.read_text("utf-8") + "\nCâu thêm sau khi hỏi.\n", encoding="utf-8")
    operator.post(
        "/scripts/approve-existing",
        data={"csrf": csrf_of(step.text), "confirm": "yes", **fields},
    )
    assert {r.script_id for r in Approvals(console_db(root)).all()} == {"khong-cung-cap-otp"}


def test_labels_agree_and_the_diff_is_shown_escaped(fresh):
    root, client = fresh
    officer, approver = client("officer"), client("approver")
    path = root / "scripts" / f"{NOI}.md"
    approved = file_hash(path)
    Approvals(console_db(root)).record(NOI, approved, "chu-tich")
    page = approver.get(f"/scripts/{NOI}").text  # the console keeps the version it shows
    assert 'id="status">đã duyệt<' in page and "(bản trên đĩa) (đang phát)" in page
    # the officer edits it in the console: the form says what saving will do
    edit = officer.get(f"/scripts/{NOI}/edit").text
    assert "Bản đã duyệt vẫn phát cho đến khi bản mới được duyệt" in edit
    form = fields_of(path.read_text("utf-8")) | {"priority": "normal"}
    form["body"] += "\n<script>alert(1)</script> Gọi 113."
    res = officer.post(
        f"/scripts/{NOI}/edit",
        data={"csrf": csrf_of(edit), "base": approved, **form},
        follow_redirects=False,
    )
    assert res.status_code == 303, res.text
    draft = file_hash(path)
    page = approver.get(f"/scripts/{NOI}").text
    listing = approver.get("/scripts").text
    assert badge(listing, NOI) == "bản nháp chờ duyệt"
    assert 'id="status">bản nháp chờ duyệt<' in page
    assert f"Đang phát bản đã duyệt <code>{approved[:10]}</code>" in page
    assert f"(<code>{draft[:10]}</code>) chưa được duyệt" in page
    diff = page.split('id="diff">', 1)[1].split("</pre>", 1)[0]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in diff and "<script>" not in diff
    assert '<span class="add">' in diff
    history = page.split('id="history"', 1)[1]
    assert f"<code>{approved[:10]}</code> (đang phát)" in history
    assert "(bản trên đĩa)" not in history  # the draft is not in the table of approvals


def test_a_broken_edit_says_the_approved_version_still_airs(fresh):
    root, client = fresh
    approver = client("approver")
    path = root / "scripts" / f"{NOI}.md"
    approved = file_hash(path)
    Approvals(console_db(root)).record(NOI, approved, "chu-tich")
    approver.get(f"/scripts/{NOI}")  # seen (and kept) by the console
    path.write_text(path.read_text("utf-8").replace("id: ", "id:: ", 1), encoding="utf-8")
    listing = approver.get("/scripts").text
    assert badge(listing, NOI) == "lỗi"
    assert f"Tệp đang có lỗi: vẫn phát bản đã duyệt {approved[:10]}." in listing
    page = approver.get(f"/scripts/{NOI}").text
    assert 'id="status">lỗi<' in page and "có lỗi, chưa duyệt được" in page
    assert f"Đang phát bản đã duyệt <code>{approved[:10]}</code>" in page
