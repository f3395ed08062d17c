// The verification queue: "select all" ticks every record without flags (flagged ones are decided one by one).
(function () {
  "use strict";
  var all = document.getElementById("select-all");
  if (!all) { return; }
  all.addEventListener("change", function () {
    document.querySelectorAll("input.record-select:not([disabled])").forEach(function (box) {
      box.checked = all.checked;
    });
  });
})();
