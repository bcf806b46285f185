// A "copy" button for a read-only field (a partner's secret, shown once). Loaded from the UI's own origin:
// the Content-Security-Policy forbids inline script. Without it the field still selects on focus.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-copy]");
  if (!button) return;
  var field = document.getElementById(button.getAttribute("data-copy"));
  field.select();
  navigator.clipboard.writeText(field.value).then(function () {
    button.textContent = button.getAttribute("data-copied") || "Tersalin / Copied";
  });
});
