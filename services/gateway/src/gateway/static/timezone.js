// Onboarding: choose the device's time zone in the list when the profile still has the default, and say so;
// the person confirms it by saving (or picks another). Without this script the list keeps its value.
(function () {
  "use strict";
  var select = document.querySelector("select[data-detect-time-zone]");
  if (!select || !window.Intl) { return; }
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (select.value !== "UTC" || !zone || zone === "UTC") { return; }
  for (var i = 0; i < select.options.length; i++) {
    if (select.options[i].value === zone) {
      select.selectedIndex = i;
      var note = document.getElementById("time_zone-detected");
      if (note) { note.hidden = false; }
      return;
    }
  }
})();
