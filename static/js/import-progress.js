// Polls the import's progress and reloads the page when it has finished.
(function () {
  "use strict";
  var box = document.getElementById("import-progress");
  if (!box) { return; }
  var bar = box.querySelector("[data-role=bar]");
  function set(role, value) { var el = box.querySelector("[data-role=" + role + "]"); if (el) { el.textContent = value; } }
  function poll() {
    fetch(box.dataset.url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (d) {
        if (d.finished) { window.location.reload(); return; }
        bar.style.width = d.percent + "%";
        bar.textContent = d.percent + "%";
        bar.parentElement.setAttribute("aria-valuenow", d.percent);
        set("label", d.status_label);
        set("processed", d.processed.toLocaleString("id-ID"));
        set("total", d.total.toLocaleString("id-ID"));
        window.setTimeout(poll, 1500);
      })
      .catch(function () { window.setTimeout(poll, 4000); });
  }
  window.setTimeout(poll, 1000);
})();
