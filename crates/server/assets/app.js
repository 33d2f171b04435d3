// Kundenwert workbench: small enhancements only; every page works without this file.
(function () {
  "use strict";
  // `/` focuses the search field of the page, as in most list UIs.
  document.addEventListener("keydown", function (e) {
    var t = e.target;
    var typing = t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT");
    if (e.key === "/" && !typing) {
      var q = document.querySelector("input[name=q]");
      if (q) { e.preventDefault(); q.focus(); q.select(); }
      return;
    }
    // Arrow keys move through a list's rows, Enter opens the selected one.
    var rows = Array.prototype.slice.call(document.querySelectorAll("table[data-rows] tbody tr[data-href]"));
    if (!rows.length || typing) { return; }
    var i = rows.findIndex(function (r) { return r.classList.contains("selected"); });
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      if (i >= 0) { rows[i].classList.remove("selected"); }
      i = e.key === "ArrowDown" ? Math.min(rows.length - 1, i + 1) : Math.max(0, i - 1);
      rows[i].classList.add("selected");
      rows[i].scrollIntoView({ block: "nearest" });
    } else if (e.key === "Enter" && i >= 0) {
      window.location.href = rows[i].getAttribute("data-href");
    }
  });
  // Filters given as selects apply at once.
  document.querySelectorAll("form[data-autosubmit] select").forEach(function (s) {
    s.addEventListener("change", function () { s.form.submit(); });
  });
  // Buttons that delete ask first.
  document.querySelectorAll("[data-confirm]").forEach(function (el) {
    el.addEventListener("click", function (e) {
      if (!window.confirm(el.getAttribute("data-confirm"))) { e.preventDefault(); }
    });
  });
})();
