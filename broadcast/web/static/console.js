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
