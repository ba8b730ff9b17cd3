// The e-card: its QR code carries its issue time and a leader's scanner refuses it after a few
// minutes. Fetch this page again every minute and swap in the fresh code; at once too when the
// phone shows the page again after a while in the background.
(function () {
  var box = document.getElementById("ecard-qr");
  if (!box || !window.fetch || !window.DOMParser) return;
  var seconds = parseInt(box.getAttribute("data-refresh"), 10) || 60;
  var stale = document.getElementById("ecard-stale");
  var last = Date.now();
  function refresh() {
    fetch(window.location.href, { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.text(); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("ecard-qr");
        if (!fresh) throw new Error("no e-card"); // e.g. the login page after the session ended
        box.innerHTML = fresh.innerHTML;
        last = Date.now();
        stale.classList.add("d-none");
      })
      .catch(function () { stale.classList.remove("d-none"); });
  }
  window.setInterval(refresh, seconds * 1000);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible" && Date.now() - last > seconds * 500) refresh();
  });
})();
