// Huiguang: small behaviours without inline scripts (CSP: script-src 'self').
document.addEventListener("click", function (event) {
  var all = event.target.closest("[data-check-all]");
  if (all) {
    document.querySelectorAll(all.getAttribute("data-check-all")).forEach(function (box) {
      box.checked = all.checked;
    });
  }
  var confirmEl = event.target.closest("[data-confirm]");
  if (confirmEl && !window.confirm(confirmEl.getAttribute("data-confirm"))) {
    event.preventDefault();
  }
});
