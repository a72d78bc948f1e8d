"""Sending a recording for a script from the console (issue 20): a file chosen on the
script page, or a take recorded in the browser (both use one route).

What an officer and the commune's leader would check: the file is in scripts/, the
script's header names it, the page plays it, the new version is a draft someone else
approves, and a wrong file (too big, not audio, no CSRF, wrong role) is refused with a
message that says what to do, leaving the script as it was.
"""

from __future__ import annotations

import re
import subprocess
import wave
from pathlib import Path

import imageio_ffmpeg
import pytest

from broadcast.project.approval import file_hash
from broadcast.project.scripts import load_script
from broadcast.web.layers import BODY_LIMITS, MAX_BODY, MAX_RECORDING, BodyLimit
from tests.build.test_recorded_bulletins import RATE, officer_recording, voice_like

from .conftest import csrf_of
from .test_hardening import _raw_post

SID = "noi-trinh-bao"
PAGE = f"/scripts/{SID}"
ACTION = f"{PAGE}/recording"


@pytest.fixture
def phone_mp3(tmp_path: Path) -> bytes:
    path = tmp_path / "ghi-am-dien-thoai.mp3"
    officer_recording(path)
    return path.read_bytes()


def _send(client, data: bytes, name: str = "ghi-am.mp3", csrf: str | None = None, **extra):
    page = client.get(PAGE).text
    form = {"csrf": csrf_of(page) if csrf is None else csrf, **extra}
    base = re.search(r'name="base" value="([0-9a-f]*)"', page)
    form.setdefault("base", base.group(1) if base else "")
    return client.post(
        ACTION, data=form, files={"file": (name, data, "audio/mpeg")}, follow_redirects=False
    )


def test_an_uploaded_recording_is_saved_named_in_the_header_and_audited(
    console_root, client_as, phone_mp3
):
    script = console_root / "scripts" / f"{SID}.md"
    before = file_hash(script)
    officer = client_as("officer")
    res = _send(officer, phone_mp3)
    assert res.status_code == 303 and res.headers["location"] == f"{PAGE}?ghi-am=1"
    saved = console_root / "scripts" / f"{SID}.mp3"
    assert saved.read_bytes() == phone_mp3
    assert "recording: noi-trinh-bao.mp3\n" in script.read_text("utf-8")
    assert load_script(script).recording == saved
    assert not list((console_root / "scripts").glob(".*tmp*"))  # no temp file left
    page = officer.get(res.headers["location"]).text
    assert 'id="recording-saved"' in page and "bản nháp" in page
    assert 'id="airs-recording"' in page and 'class="said"' not in page  # no machine reading
    assert f'<audio id="recording-player" controls preload="metadata" src="{ACTION}"' in page
    heard = officer.get(ACTION)
    assert heard.status_code == 200 and heard.headers["content-type"] == "audio/mpeg"
    assert heard.content == phone_mp3
    audit = officer.app.state.store.audit(5)
    entry = next(a for a in audit if a.action == "tải bản ghi âm")
    assert entry.user == "lan" and entry.target == SID
    assert entry.detail.startswith(file_hash(script)[:10]) and "noi-trinh-bao.mp3" in entry.detail
    assert file_hash(script) != before
    listed = officer.get("/scripts").text
    assert f'<span class="badge recorded" id="recorded-{SID}">bản ghi âm</span>' in listed


def test_the_new_version_is_a_draft_that_only_someone_else_approves(
    console_root, client_as, phone_mp3
):
    officer = client_as("officer")
    assert _send(officer, phone_mp3).status_code == 303
    version = file_hash(console_root / "scripts" / f"{SID}.md")
    approver = client_as("approver")
    page = approver.get(PAGE).text
    assert 'id="status">bản nháp chờ duyệt<' in page  # the approved text airs meanwhile
    assert "Người lưu phiên bản này: <strong>lan</strong>" in page
    res = approver.post(f"{PAGE}/approve", data={"csrf": csrf_of(page), "version": version})
    assert res.status_code == 200 and 'id="status">đã duyệt<' in res.text
    # the officer records again: the approved version no longer covers what would air
    again = _send(officer, phone_mp3[: len(phone_mp3) // 2], name="lan-2.mp3")
    assert again.status_code == 303
    assert 'id="status">bản nháp chờ duyệt<' in approver.get(PAGE).text


def test_a_browser_take_is_audited_as_recorded_in_the_browser(console_root, client_as, tmp_path):
    webm = tmp_path / "take.webm"  # what Chromium's MediaRecorder sends: Opus in WebM
    subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-nostdin", "-f", "lavfi", "-i"]
        + ["sine=f=300:d=3", "-c:a", "libopus", str(webm)],
        capture_output=True,
        check=True,
    )
    officer = client_as("officer")
    res = _send(officer, webm.read_bytes(), name="thu-am.webm", source="browser")
    assert res.status_code == 303, res.text
    assert (console_root / "scripts" / f"{SID}.webm").is_file()
    assert officer.get(ACTION).headers["content-type"] == "audio/webm"
    assert officer.app.state.store.audit(1)[0].action == "thu âm trên trình duyệt"


def test_a_file_that_is_not_audio_is_refused_with_a_clear_message(console_root, client_as):
    script = console_root / "scripts" / f"{SID}.md"
    before = script.read_bytes()
    res = _send(client_as("officer"), b"%PDF-1.4 cong van\n" * 200, name="cong-van.pdf")
    assert res.status_code == 400
    assert "Tệp «cong-van.pdf» không phải tệp âm thanh đọc được" in res.text
    assert "MP3, WAV, M4A, OGG, AMR" in res.text
    assert "Traceback" not in res.text
    assert script.read_bytes() == before
    assert sorted(p.name for p in (console_root / "scripts").iterdir()) == [
        "khong-cung-cap-otp.md",
        f"{SID}.md",
    ]


def test_a_recording_over_the_limit_is_refused_before_it_is_read(console_root, client_as):
    assert BodyLimit(app=None).limit_for(ACTION) == MAX_RECORDING  # type: ignore[arg-type]
    assert BodyLimit(app=None).limit_for(f"{PAGE}/edit") < MAX_RECORDING  # type: ignore[arg-type]
    officer = client_as("officer")
    page = officer.get(PAGE).text
    res = officer.post(
        ACTION,
        content=b"x" * 16,
        headers={
            "content-type": "multipart/form-data; boundary=b",
            "content-length": str(MAX_RECORDING + 1),
        },
    )
    assert res.status_code == 413
    assert "Tệp ghi âm lớn hơn giới hạn 50 MB" in res.text
    assert "gửi bản MP3 hoặc M4A" in res.text
    assert "noi-trinh-bao.mp3" not in (console_root / "scripts" / f"{SID}.md").read_text("utf-8")
    assert f'data-max-bytes="{MAX_RECORDING}"' in page  # the page says so before sending
    assert [a.path.pattern for a in BODY_LIMITS] == [r"/scripts/[^/]+/recording"]


def test_a_streamed_recording_is_cut_off_past_its_own_limit_and_a_form_past_1_mb():
    async def reads_all(scope, receive, send):  # as the multipart parser does
        while (await receive()).get("more_body"):
            pass
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    layer = BodyLimit(reads_all)
    chunk = b"a" * 65536
    many = [chunk] * (MAX_RECORDING // 65536 + 10)
    status, read = _raw_post(layer, ACTION, many, length=None)
    assert status == 413 and read == MAX_RECORDING // 65536 + 1
    status, read = _raw_post(layer, ACTION, [chunk] * 20, length=None)
    assert status == 200  # 1.3 MB: more than a form may send, well within a recording
    status, read = _raw_post(layer, f"{PAGE}/edit", [chunk] * 20, length=None)
    assert status == 413 and read == MAX_BODY // 65536 + 1


def test_an_upload_without_the_csrf_token_is_refused(console_root, client_as, phone_mp3):
    res = _send(client_as("officer"), phone_mp3, csrf="sai-ma")
    assert res.status_code == 403 and "CSRF" in res.text
    assert not (console_root / "scripts" / f"{SID}.mp3").exists()


@pytest.mark.parametrize("role", ["approver", "operator"])
def test_only_an_officer_sends_a_recording(console_root, client_as, phone_mp3, role):
    client = client_as(role)
    res = _send(client, phone_mp3)
    assert res.status_code == 403 and "không được làm việc này" in res.text
    assert not (console_root / "scripts" / f"{SID}.mp3").exists()
    assert 'id="upload-form"' not in client.get(PAGE).text
    assert client.get(f"{PAGE}/record").status_code == 403


def test_an_anonymous_upload_is_refused(console_root, client_as, phone_mp3):
    res = client_as(None).post(ACTION, files={"file": ("a.mp3", phone_mp3, "audio/mpeg")})
    assert res.status_code == 403
    assert not (console_root / "scripts" / f"{SID}.mp3").exists()


def test_an_upload_after_someone_else_edited_the_script_is_refused(
    console_root, client_as, phone_mp3
):
    res = _send(client_as("officer"), phone_mp3, base="0" * 64)
    assert res.status_code == 409 and "chưa lưu bản ghi" in res.text
    assert not (console_root / "scripts" / f"{SID}.mp3").exists()


def test_another_scripts_recording_is_never_replaced(console_root, client_as, phone_mp3):
    theirs = console_root / "scripts" / f"{SID}.mp3"
    theirs.write_bytes(b"their recording")
    other = console_root / "scripts" / "khong-cung-cap-otp.md"
    other.write_text(
        other.read_text("utf-8").replace("---\n", f"---\nrecording: {SID}.mp3\n", 1), "utf-8"
    )
    assert _send(client_as("officer"), phone_mp3).status_code == 303
    assert theirs.read_bytes() == b"their recording"
    named = load_script(console_root / "scripts" / f"{SID}.md").recording
    assert named is not None and named.name.startswith(f"{SID}-") and named.suffix == ".mp3"
    assert named.read_bytes() == phone_mp3


def test_the_record_page_shows_the_text_as_a_teleprompter(console_root, client_as):
    page = client_as("officer").get(f"{PAGE}/record").text
    body = load_script(console_root / "scripts" / f"{SID}.md").text
    prompter = re.search(r'<div id="prompter" class="prompter">(.*?)</div>', page, re.S)
    assert prompter and body.split()[0] in prompter.group(1)
    assert '<script src="/static/recorder.js" defer></script>' in page
    assert f'data-action="{ACTION}"' in page and csrf_of(page)


def test_after_upload_the_officer_hears_the_bulletin_as_it_will_air(
    console_root, client_as, phone_mp3
):
    officer = client_as("officer")
    assert _send(officer, phone_mp3).status_code == 303
    page = officer.get(PAGE).text
    res = officer.post(f"{PAGE}/listen", data={"csrf": csrf_of(page), "station": "fm-thu"})
    assert res.status_code == 200
    assert "phát bản ghi âm noi-trinh-bao.mp3" in res.text
    src = re.search(r'<audio id="player" controls preload="auto" src="([^"]+)"', res.text)
    assert src, "no player for the rendered bulletin"
    mp3 = officer.get(src.group(1))
    assert mp3.status_code == 200 and mp3.content[:3] in (b"ID3", b"\xff\xfb")


def test_a_wav_over_the_form_limit_is_taken_and_saved_as_what_it_is(
    console_root, client_as, tmp_path
):
    wav = tmp_path / "x.wav"
    with wave.open(str(wav), "wb") as w:  # 25 s of 16-bit mono: 2.2 MB, over the 1 MB forms get
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes((voice_like(25.0) * 32767).astype("<i2").tobytes())
    data = wav.read_bytes()
    assert len(data) > 2 * MAX_BODY
    res = _send(client_as("officer"), data, name="ban-ghi-cua-huyen.mp3")  # a wrong name
    assert res.status_code == 303, res.text
    assert (console_root / "scripts" / f"{SID}.wav").read_bytes() == data
    script = (console_root / "scripts" / f"{SID}.md").read_text("utf-8")
    assert "recording: noi-trinh-bao.wav\n" in script


def test_a_received_file_with_no_text_mends_a_script_that_had_nothing_to_read(
    console_root, client_as, phone_mp3
):
    script = console_root / "scripts" / "cua-huyen.md"
    script.write_text(
        "---\nid: cua-huyen\ntitle: Bản tin huyện gửi\ntopic: lừa đảo\n"
        "directive: {number: 12/UBND, issuer: UBND huyện}\n---\n",
        encoding="utf-8",
    )
    officer = client_as("officer")
    page = officer.get("/scripts/cua-huyen").text
    assert "Kịch bản chưa có nội dung để đọc" in page and 'id="upload-form"' in page
    assert 'id="prompter-empty"' in officer.get("/scripts/cua-huyen/record").text
    res = officer.post(
        "/scripts/cua-huyen/recording",
        data={"csrf": csrf_of(page), "base": file_hash(script)},
        files={"file": ("huyen.mp3", phone_mp3, "audio/mpeg")},
        follow_redirects=False,
    )
    assert res.status_code == 303, res.text
    loaded = load_script(script)
    assert loaded.text == "" and loaded.recording == console_root / "scripts" / "cua-huyen.mp3"


def test_a_script_broken_elsewhere_is_not_rewritten_by_an_upload(
    console_root, client_as, phone_mp3
):
    script = console_root / "scripts" / f"{SID}.md"
    broken = script.read_text("utf-8").replace("title:", "titel:", 1)
    script.write_text(broken, encoding="utf-8")
    res = _send(client_as("officer"), phone_mp3)
    assert res.status_code == 400
    assert "Kịch bản đang có lỗi nên chưa gắn được bản ghi" in res.text
    assert "sửa kịch bản trước rồi gửi lại bản ghi" in res.text
    assert script.read_text("utf-8") == broken
    assert not (console_root / "scripts" / f"{SID}.mp3").exists()
