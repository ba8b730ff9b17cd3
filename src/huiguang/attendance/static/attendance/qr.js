// The leader's QR screen: fetch a fresh token (URL, QR image, code, who is in) every window.
(function () {
  var box = document.getElementById("qr-screen");
  if (!box) return;
  var seconds = parseInt(box.getAttribute("data-refresh"), 10) || 30;
  var error = document.getElementById("qr-error");
  function refresh() {
    fetch(box.getAttribute("data-state-url"), { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (s) {
        document.getElementById("qr-image").innerHTML = s.svg;
        var link = document.getElementById("qr-link");
        link.setAttribute("href", s.url);
        box.setAttribute("data-checkin-url", s.url);
        document.getElementById("qr-code").textContent = s.code;
        document.getElementById("qr-inside").textContent = s.inside;
        error.classList.add("d-none");
      })
      .catch(function () { error.classList.remove("d-none"); });
  }
  window.setInterval(refresh, seconds * 1000);
})();
