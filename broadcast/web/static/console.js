// The console's only script, loaded (deferred) by every page. The Content-Security-Policy
// allows no inline script or handler, so the small behaviours pages ask for with data-*
// attributes are wired here.
(function () {
  // <select data-autosubmit>: choosing an option sends its form (the plan's station).
  document.querySelectorAll("select[data-autosubmit]").forEach(function (sel) {
    sel.addEventListener("change", function () { sel.form.submit(); });
  });
  // <form data-confirm="question">: ask before sending (removing a user).
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (ev) {
      if (!window.confirm(form.dataset.confirm)) ev.preventDefault();
    });
  });
  // <a data-back>: back to the previous page when there is one (else the link's href).
  document.querySelectorAll("a[data-back]").forEach(function (a) {
    a.addEventListener("click", function (ev) {
      if (window.history.length > 1) { ev.preventDefault(); window.history.back(); }
    });
  });
})();

// "Cách máy sẽ đọc": re-fetch the spoken form while the officer types (no build step).
(function () {
  var body = document.getElementById("body");
  var panel = document.getElementById("said");
  if (!body || !panel) return;
  var station = document.getElementById("said-station");
  var csrf = document.querySelector("input[name=csrf]");
  var timer = null;
  function refresh() {
    var data = new FormData();
    data.append("csrf", csrf.value);
    data.append("body", body.value);
    data.append("station", station ? station.value : "");
    fetch("/spoken", { method: "POST", body: data, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : ""; })
      .then(function (html) { panel.innerHTML = html; panel.dataset.ready = "1"; });
  }
  body.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(refresh, 300); });
  if (station) station.addEventListener("change", refresh);
})();

// <input type=file data-max-bytes>: say at once that a chosen file is too big (the server
// refuses it too, after the upload; this saves the wait).
(function () {
  document.querySelectorAll("input[type=file][data-max-bytes]").forEach(function (input) {
    var note = document.getElementById(input.id + "-error");
    var max = parseInt(input.dataset.maxBytes, 10);
    input.addEventListener("change", function () {
      var file = input.files && input.files[0];
      var tooBig = !!file && file.size > max;
      if (note) {
        note.textContent = tooBig ? "Tệp «" + file.name + "» lớn hơn " + Math.round(max / 1048576) +
          " MB. Gửi bản MP3 hoặc M4A (nhỏ hơn WAV nhiều lần), hoặc cắt bớt rồi gửi lại." : "";
        note.hidden = !tooBig;
      }
      if (input.form) input.form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = tooBig; });
    });
  });
})();
