// "Use my location" on the needs pages (a static file: the CSP forbids inline scripts). The button
// fills the form's hidden lat/lng from the phone's position; with data-locate-submit it also sends
// the form (the nearby list), with data-locate-fill it only says the location was added (posting a
// need). Messages come translated in the button's data-msg-* attributes.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-locate-submit], [data-locate-fill]");
  if (!button) {
    return;
  }
  event.preventDefault();
  var form = button.closest("form");
  var status = form.querySelector("[data-locate-status]");
  function say(text) {
    if (status) {
      status.textContent = text || "";
    }
  }
  if (!("geolocation" in navigator)) {
    say(button.getAttribute("data-msg-unsupported"));
    return;
  }
  say(button.getAttribute("data-msg-waiting"));
  button.disabled = true;
  navigator.geolocation.getCurrentPosition(
    function (position) {
      form.querySelector("[name=lat]").value = position.coords.latitude.toFixed(6);
      form.querySelector("[name=lng]").value = position.coords.longitude.toFixed(6);
      button.disabled = false;
      if (button.hasAttribute("data-locate-submit")) {
        say("");
        form.submit();
      } else {
        say(button.getAttribute("data-msg-done"));
      }
    },
    function () {
      button.disabled = false;
      say(button.getAttribute("data-msg-error"));
    },
    { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 }
  );
});
