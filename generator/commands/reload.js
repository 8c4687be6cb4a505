// frise serve's page script: polls the build's status, reloads the page after a build,
// and shows the content's errors over the page while the last good site stays served.
(function () {
  "use strict";
  var me = document.currentScript;
  var generation = Number(me && me.dataset.generation);
  function overlay(errors) {
    var box = document.getElementById("frise-errors");
    if (!errors.length) { if (box) box.remove(); return; }
    if (!box) {
      box = document.createElement("section");
      box.id = "frise-errors";
      box.setAttribute("role", "alert");
      box.setAttribute("aria-label", "frise: the content has errors");
      box.style.cssText = "position:fixed;inset:0 0 auto 0;max-height:70vh;overflow:auto;" +
        "z-index:2147483647;margin:0;padding:1rem 1.5rem;background:#fff4f4;color:#5c0000;" +
        "border-bottom:4px solid #b00020;font:15px/1.5 ui-monospace,monospace;" +
        "box-shadow:0 4px 16px rgba(0,0,0,.3)";
      document.body.appendChild(box);
    }
    box.textContent = "";
    var head = document.createElement("h2");
    head.style.cssText = "margin:0 0 .5rem;font:bold 17px/1.3 system-ui,sans-serif";
    head.textContent = errors.length + (errors.length === 1 ? " error" : " errors") +
      ": the page shows the last good build. " +
      "Fix the file and save; the page comes back by itself.";
    var list = document.createElement("ul");
    list.style.cssText = "margin:0;padding-left:1.2rem";
    errors.forEach(function (e) {
      var item = document.createElement("li");
      var where = e.path ? e.path + (e.line ? ":" + e.line + ":" + e.col : "") + ": " : "";
      item.textContent = where + e.message;
      list.appendChild(item);
    });
    box.appendChild(head);
    box.appendChild(list);
  }
  function poll() {
    fetch("/__frise__/status?since=" + generation, {cache: "no-store"})
      .then(function (r) { return r.json(); })
      .then(function (s) {
        if (s.generation !== generation && !s.errors.length) { location.reload(); return; }
        generation = s.generation;
        overlay(s.errors);
        poll();
      })
      .catch(function () { setTimeout(poll, 1000); });
  }
  fetch("/__frise__/status", {cache: "no-store"}).then(function (r) { return r.json(); })
    .then(function (s) {
      if (s.generation !== generation && !s.errors.length) { location.reload(); return; }
      overlay(s.errors); poll();
    }).catch(function () { setTimeout(poll, 1000); });
})();
