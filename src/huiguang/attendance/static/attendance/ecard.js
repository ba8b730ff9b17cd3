// E-card scanner: with the browser's BarcodeDetector and a camera, a scanned card fills the form
// and sends it; otherwise the leader pastes or types the code.
(function () {
  var form = document.getElementById("ecard-form");
  if (!form) return;
  var input = document.getElementById("ecard-token");
  input.focus();
  if (!("BarcodeDetector" in window) || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) return;
  var start = document.getElementById("ecard-start");
  start.classList.remove("d-none");
  start.addEventListener("click", function () {
    var video = document.getElementById("ecard-video");
    var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (stream) {
      document.getElementById("ecard-camera").classList.remove("d-none");
      start.classList.add("d-none");
      video.srcObject = stream;
      video.play();
      var sent = false;
      function tick() {
        if (sent) return;
        detector.detect(video).then(function (codes) {
          if (codes.length && codes[0].rawValue) {
            sent = true;
            input.value = codes[0].rawValue;
            stream.getTracks().forEach(function (t) { t.stop(); });
            form.submit();
          } else {
            window.setTimeout(tick, 250);
          }
        }).catch(function () { window.setTimeout(tick, 500); });
      }
      tick();
    }).catch(function () { start.disabled = true; });
  });
})();
