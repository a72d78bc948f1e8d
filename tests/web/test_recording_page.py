"""The console's script page for a recorded script (issue 20): what check says, the
approval of text and audio together, and an edit that keeps the recording."""

from __future__ import annotations

import re

from broadcast.web.scriptform import compose, fields_of
from tests.build.test_recorded_bulletins import officer_recording, recorded_script

from .conftest import csrf_of


def test_the_page_says_it_airs_a_recording_and_what_is_wrong_with_it(console_root, client_as):
    officer_recording(console_root / "scripts" / "ban-ghi.mp3", clip=True)
    recorded_script(console_root)
    page = client_as("approver").get("/scripts/ban-ghi").text
    assert "Phát bằng bản ghi âm: <code>scripts/ban-ghi.mp3</code>" in page
    findings = re.findall(r'class="field-error recording-finding">([^<]+)<', page)
    assert len(findings) == 1 and "bị rè" in findings[0]


def test_a_new_recording_under_the_same_name_is_a_draft_again(console_root, client_as):
    officer_recording(console_root / "scripts" / "ban-ghi.mp3")
    recorded_script(console_root)
    approver = client_as("approver")
    page = approver.get("/scripts/ban-ghi").text
    assert "recording-finding" not in page
    version = re.search(r'name="version" value="([0-9a-f]+)"', page).group(1)
    res = approver.post(
        "/scripts/ban-ghi/approve", data={"csrf": csrf_of(page), "version": version}
    )
    assert res.status_code == 200 and "đã duyệt" in res.text
    officer_recording(console_root / "scripts" / "ban-ghi.mp3", amp=0.1)  # re-recorded
    page = approver.get("/scripts/ban-ghi").text
    assert "chưa được duyệt" in page
    assert re.search(r'name="version" value="([0-9a-f]+)"', page).group(1) != version


def test_editing_in_the_console_keeps_the_recording(console_root, client_as):
    officer_recording(console_root / "scripts" / "ban-ghi.mp3")
    path = recorded_script(console_root)
    officer = client_as("officer")
    edit = officer.get("/scripts/ban-ghi/edit").text
    assert 'id="f-recording" name="recording" value="ban-ghi.mp3"' in edit
    form = fields_of(path.read_text("utf-8")) | {"priority": "normal"}  # the select sends one
    base = re.search(r'name="base" value="([0-9a-f]*)"', edit).group(1)
    res = officer.post(
        "/scripts/ban-ghi/edit",
        data={"csrf": csrf_of(edit), "base": base, **form, "body": form["body"] + " Xin cảm ơn."},
        follow_redirects=False,
    )
    assert res.status_code == 303, res.text
    assert "recording: ban-ghi.mp3\n" in path.read_text("utf-8")


def test_a_script_without_recording_composes_as_before() -> None:
    form = {"id": "thu", "title": "T", "topic": "t", "directive_number": "1"}
    form |= {"directive_issuer": "UBND", "priority": "normal", "body": "Bà con chú ý."}
    assert "recording" not in compose(form)


def test_the_page_listens_to_a_recording_once_per_version_of_it(
    console_root, client_as, monkeypatch
):
    import broadcast.render.recordings as recordings

    calls = []
    real = recordings.script_findings
    monkeypatch.setattr(
        recordings, "script_findings", lambda *a, **k: calls.append(1) or real(*a, **k)
    )
    audio = console_root / "scripts" / "ban-ghi.mp3"
    officer_recording(audio)
    recorded_script(console_root)
    client = client_as("approver")
    for _ in range(3):
        assert "recording-finding" not in client.get("/scripts/ban-ghi").text
    assert len(calls) == 1  # decoding minutes of audio on every view made the page slow
    officer_recording(audio, clip=True)  # recorded again: heard again
    assert "bị rè" in client.get("/scripts/ban-ghi").text and len(calls) == 2
