// Record a bulletin in the browser (issue 20), loaded by record.html only. The script's
// text is shown large above (a teleprompter); here: record with MediaRecorder, listen,
// record again, and send the take through the same upload route as a chosen file
// (POST /scripts/<id>/recording, with the page's CSRF token). No inline script: the
// Content-Security-Policy allows only the console's own files.
(function () {
  var box = document.getElementById("recorder");
  if (!box) return;
  var unsupported = document.getElementById("rec-unsupported");
  var state = document.getElementById("rec-state");
  var error = document.getElementById("rec-error");
  var player = document.getElementById("rec-player");
  var start = document.getElementById("rec-start");
  var stop = document.getElementById("rec-stop");
  var again = document.getElementById("rec-again");
  var send = document.getElementById("rec-send");
  var form = document.getElementById("rec-form");
  var maxBytes = parseInt(box.dataset.maxBytes, 10);

  if (!window.isSecureContext) {
    unsupported.textContent = "Trình duyệt chỉ cho thu âm khi mở bàn làm việc bằng https:// " +
      "(hoặc ngay trên máy chủ, địa chỉ localhost). Nhờ kỹ thuật viên bật https, hoặc thu " +
      "bằng điện thoại rồi gửi tệp ở trang kịch bản.";
    return;
  }
  if (!window.MediaRecorder || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
    unsupported.textContent = "Trình duyệt này không thu âm được. Dùng Chrome, Firefox hoặc " +
      "Safari bản mới, hoặc thu bằng điện thoại rồi gửi tệp ở trang kịch bản.";
    return;
  }
  unsupported.hidden = true;
  box.hidden = false;

  var KINDS = [
    ["audio/webm;codecs=opus", ".webm"], ["audio/ogg;codecs=opus", ".ogg"],
    ["audio/mp4", ".m4a"], ["audio/webm", ".webm"]
  ];
  var kind = KINDS.filter(function (k) { return MediaRecorder.isTypeSupported(k[0]); })[0];
  var recorder = null, chunks = [], take = null, url = null, began = 0, timer = null;

  function show(el, on) { el.hidden = !on; }
  function say(text, on) { state.textContent = text; state.classList.toggle("on", !!on); }
  function fail(text) { error.textContent = text; show(error, !!text); }
  function clock(ms) {
    var s = Math.floor(ms / 1000);
    return Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
  }
  function buttons(mode) {  // "ready", "recording", "taken", "sending"
    show(start, mode === "ready");
    show(stop, mode === "recording");
    show(again, mode === "taken");
    show(send, mode === "taken");
    show(player, mode === "taken" || mode === "sending");
    send.disabled = again.disabled = mode === "sending";
  }

  function micError(err) {
    var name = err && err.name;
    if (name === "NotAllowedError" || name === "SecurityError") {
      return "Trình duyệt chưa cho dùng micrô. Bấm biểu tượng ổ khóa cạnh địa chỉ trang, " +
        "chọn «Cho phép» micrô, rồi bấm «Bắt đầu thu» lại.";
    }
    if (name === "NotFoundError" || name === "OverconstrainedError") {
      return "Không thấy micrô. Cắm micrô (hoặc tai nghe có micrô) rồi bấm «Bắt đầu thu» lại.";
    }
    return "Không mở được micrô (" + (name || err) + "). Đóng các chương trình khác đang " +
      "dùng micrô rồi thử lại.";
  }

  function begin() {
    fail("");
    navigator.mediaDevices.getUserMedia({ audio: true }).then(function (stream) {
      chunks = [];
      recorder = kind ? new MediaRecorder(stream, { mimeType: kind[0] }) : new MediaRecorder(stream);
      recorder.addEventListener("dataavailable", function (ev) {
        if (ev.data && ev.data.size) chunks.push(ev.data);
      });
      recorder.addEventListener("stop", function () {
        stream.getTracks().forEach(function (t) { t.stop(); });
        clearInterval(timer);
        take = new Blob(chunks, { type: recorder.mimeType || (kind && kind[0]) || "audio/webm" });
        if (url) URL.revokeObjectURL(url);
        url = URL.createObjectURL(take);
        player.src = url;
        say("Đã thu " + clock(Date.now() - began) + ". Nghe lại; được thì bấm «Gửi», chưa được thì «Thu lại».");
        buttons("taken");
      });
      recorder.start(1000);
      began = Date.now();
      say("● Đang thu… 0:00", true);
      timer = setInterval(function () { say("● Đang thu… " + clock(Date.now() - began), true); }, 500);
      buttons("recording");
    }).catch(function (err) { fail(micError(err)); buttons("ready"); });
  }

  function suffix() {
    var type = (take && take.type) || "";
    if (type.indexOf("ogg") >= 0) return ".ogg";
    if (type.indexOf("mp4") >= 0) return ".m4a";
    return ".webm";
  }

  function submit() {
    if (!take) return;
    if (take.size > maxBytes) {
      fail("Bản thu lớn hơn " + box.dataset.maxMb + " MB. Thu lại ngắn hơn, hoặc chia thành hai kịch bản.");
      return;
    }
    fail("");
    buttons("sending");
    say("Đang gửi bản thu…");
    var data = new FormData(form);
    data.append("file", take, "thu-am" + suffix());
    fetch(box.dataset.action, { method: "POST", body: data, credentials: "same-origin" })
      .then(function (res) {
        if (res.ok && res.redirected) { sending = true; window.location.assign(res.url); return null; }
        return res.text().then(function (html) {
          var doc = new DOMParser().parseFromString(html, "text/html");
          var why = doc.querySelector(".error-box") || doc.body;
          fail((why.textContent || "").replace(/\s+/g, " ").trim() ||
            "Máy chủ không nhận bản thu (mã " + res.status + "). Thử gửi lại.");
          say("Chưa gửi được.");
          buttons("taken");
        });
      })
      .catch(function () {
        fail("Mất kết nối tới máy chủ, bản thu chưa gửi. Kiểm tra mạng rồi bấm «Gửi» lại.");
        say("Chưa gửi được.");
        buttons("taken");
      });
  }

  // a take not sent yet is not lost by a tap on a link: the browser asks first
  var sending = false;
  window.addEventListener("beforeunload", function (ev) {
    if (take && !sending) { ev.preventDefault(); ev.returnValue = ""; }
  });

  start.addEventListener("click", begin);
  stop.addEventListener("click", function () { if (recorder && recorder.state !== "inactive") recorder.stop(); });
  again.addEventListener("click", function () {
    take = null;
    player.removeAttribute("src");
    begin();
  });
  send.addEventListener("click", submit);
  buttons("ready");
})();
