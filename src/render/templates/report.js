// Actor ↔ evidence: clicking an actor marks its evidence sentences and scrolls to them (again:
// the next one); Esc or "show all evidence" clears. Delegated, so reports inserted later work.
(function () {
  "use strict";
  function evidenceOf(root, idx) {
    return Array.prototype.filter.call(root.querySelectorAll(".ev"), function (el) {
      return (el.getAttribute("data-actors") || "").split(" ").indexOf(idx) >= 0;
    });
  }
  function clear(root) {
    root.classList.remove("has-sel");
    root.removeAttribute("data-selected");
    root.querySelectorAll(".on, .cur, .sel").forEach(function (el) {
      el.classList.remove("on", "cur", "sel");
    });
    root.querySelectorAll("button.actor").forEach(function (b) { b.setAttribute("aria-pressed", "false"); });
  }
  function select(root, idx) {
    var again = root.getAttribute("data-selected") === idx;
    var marks = evidenceOf(root, idx);
    if (!again) {
      clear(root);
      root.classList.add("has-sel");
      root.setAttribute("data-selected", idx);
      marks.forEach(function (el) { el.classList.add("on"); });
      root.querySelectorAll('[data-actor-row="' + idx + '"]').forEach(function (r) { r.classList.add("sel"); });
      root.querySelectorAll('button.actor[data-actor="' + idx + '"]').forEach(function (b) { b.setAttribute("aria-pressed", "true"); });
    }
    if (!marks.length) { return; }
    var cur = marks.findIndex(function (el) { return el.classList.contains("cur"); });
    marks.forEach(function (el) { el.classList.remove("cur"); });
    var next = marks[again ? (cur + 1) % marks.length : 0];
    next.classList.add("cur");
    next.scrollIntoView({ behavior: "smooth", block: "center" });
  }
  document.addEventListener("click", function (e) {
    var t = e.target;
    if (!(t instanceof Element)) { return; }
    var root = t.closest("[data-report]");
    if (!root) { return; }
    if (t.closest("[data-clear]")) { clear(root); return; }
    var hit = t.closest("[data-actor], [data-actor-row]");
    if (!hit) { return; }
    select(root, hit.getAttribute("data-actor") || hit.getAttribute("data-actor-row"));
  });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape") { document.querySelectorAll("[data-report]").forEach(clear); }
  });
})();
