// Distance search on the activity search forms. A static file, because the CSP forbids inline
// scripts; without it the form still works (choose a town or a site as the centre).
// "Use my location" fills the hidden latitude and longitude from the phone's position, clears the
// chosen centre and submits the form; choosing a centre clears the coordinates. Messages come
// translated in data-msg-* attributes of the button.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-locate]");
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
      form.querySelector("[name=lat]").value = position.coords.latitude.toFixed(5);
      form.querySelector("[name=lng]").value = position.coords.longitude.toFixed(5);
      var centre = form.querySelector("[name=centre]");
      if (centre) {
        centre.value = "";
      }
      var km = form.querySelector("[name=km]");
      if (km && !km.value) {
        km.value = "10";
      }
      button.disabled = false;
      say("");
      form.submit();
    },
    function () {
      button.disabled = false;
      say(button.getAttribute("data-msg-error"));
    },
    { enableHighAccuracy: false, timeout: 10000, maximumAge: 600000 }
  );
});

document.addEventListener("change", function (event) {
  var centre = event.target.closest("[data-centre]");
  if (!centre || !centre.value) {
    return;
  }
  var form = centre.closest("form");
  ["lat", "lng"].forEach(function (name) {
    var input = form.querySelector("[name=" + name + "]");
    if (input) {
      input.value = "";
    }
  });
});
