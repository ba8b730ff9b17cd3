// Code + location check-in: read the phone's position, then allow the form to be sent.
(function () {
  var form = document.getElementById("code-form");
  if (!form) return;
  var status = document.getElementById("code-location");
  var submit = document.getElementById("code-submit");
  function denied() {
    status.textContent = status.getAttribute("data-denied");
    status.classList.add("text-danger");
  }
  if (!navigator.geolocation) { denied(); return; }
  navigator.geolocation.getCurrentPosition(function (pos) {
    document.getElementById("code-lat").value = pos.coords.latitude.toFixed(6);
    document.getElementById("code-lng").value = pos.coords.longitude.toFixed(6);
    status.textContent = status.getAttribute("data-found");
    status.classList.remove("text-danger");
    submit.disabled = false;
  }, denied, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
})();
