/* frise: what JavaScript adds to a timeline that already reads without it.
   Filters by themes and actors (kept in the URL: ?tag=a&actor=b&q=word), a search over
   titles and summaries, a live count, and j/k or arrow keys from event to event.
   Plain script, no framework, no build step. */
(function () {
  "use strict";
  var list = document.getElementById("timeline");
  if (!list) { return; }
  var events = Array.prototype.slice.call(list.querySelectorAll("li.event"));
  var years = Array.prototype.slice.call(list.querySelectorAll("li.year"));

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/[’']/g, "'").replace(/\s+/g, " ");
  }

  function visible() {
    return events.filter(function (li) { return !li.hidden; });
  }

  /* Keyboard: while focus is in the timeline, j/↓ and k/↑ go to the next or previous
     event shown (a shortcut active only there, so it never fires while typing). */
  function move(step) {
    var shown = visible();
    var here = document.activeElement && document.activeElement.closest("li.event");
    var at = shown.indexOf(here);
    var next = shown[at < 0 ? 0 : Math.min(shown.length - 1, Math.max(0, at + step))];
    if (next) {
      var link = next.querySelector("h2 a, h3 a");
      link.focus({ preventScroll: true });
      next.scrollIntoView({ block: "start" });
    }
  }
  list.addEventListener("keydown", function (e) {
    if (e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) { return; }
    var step = { j: 1, ArrowDown: 1, k: -1, ArrowUp: -1 }[e.key];
    if (step) { e.preventDefault(); move(step); }
  });

  var form = document.getElementById("filters");
  if (!form || !window.URLSearchParams || !history.replaceState) { return; }
  var boxes = Array.prototype.slice.call(form.querySelectorAll("input[type=checkbox]"));
  var search = form.querySelector("input[type=search]");
  var status = document.getElementById("shown");
  var noMatch = document.getElementById("no-match");
  var texts = events.map(function (li) {
    var title = li.querySelector("h2, h3");
    var summary = li.querySelector(".summary");
    return fold((title ? title.textContent : "") + " " + (summary ? summary.textContent : ""));
  });

  function chosen(name) {
    return boxes.filter(function (b) { return b.name === name && b.checked; })
      .map(function (b) { return b.value; });
  }

  function hasAny(li, attr, wanted) {
    if (!wanted.length) { return true; }
    var own = (li.getAttribute(attr) || "").split(" ");
    return wanted.some(function (w) { return own.indexOf(w) >= 0; });
  }

  /* Several themes: any of them; several actors: any of them; a theme and an actor: both. */
  function apply(keepUrl) {
    var tags = chosen("tag"), actors = chosen("actor");
    var words = fold(search.value.trim()).split(" ").filter(Boolean);
    var count = 0;
    events.forEach(function (li, i) {
      var show = hasAny(li, "data-tags", tags) && hasAny(li, "data-actors", actors) &&
        words.every(function (w) { return texts[i].indexOf(w) >= 0; });
      li.hidden = !show;
      if (show) { count += 1; }
    });
    years.forEach(function (y) { y.hidden = !y.querySelector("li.event:not([hidden])"); });
    noMatch.hidden = count > 0;
    list.classList.toggle("filtered", count < events.length);
    status.textContent = status.getAttribute("data-template")
      .replace("{shown}", count).replace("{total}", events.length);
    if (!keepUrl) {
      var params = new URLSearchParams();
      tags.forEach(function (t) { params.append("tag", t); });
      actors.forEach(function (a) { params.append("actor", a); });
      if (search.value.trim()) { params.set("q", search.value.trim()); }
      var query = params.toString();
      try {
        history.replaceState(null, "", location.pathname + (query ? "?" + query : "") + location.hash);
      } catch (err) { /* some browsers refuse it on file:// pages: the filter still works */ }
    }
  }

  function restore() {
    var params = new URLSearchParams(location.search);
    var tags = params.getAll("tag"), actors = params.getAll("actor");
    boxes.forEach(function (b) {
      b.checked = (b.name === "tag" ? tags : actors).indexOf(b.value) >= 0;
      if (b.checked && b.name === "actor") { b.closest("details").open = true; }
    });
    search.value = params.get("q") || "";
  }

  form.hidden = false;
  var box = form.querySelector("details.filters-box");
  if (box && window.matchMedia && matchMedia("(max-width: 40em)").matches && !location.search) {
    box.open = false;  /* on a phone the timeline comes first; the filters are one tap away */
  }
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  form.addEventListener("change", function () { apply(false); });
  search.addEventListener("input", function () { apply(false); });
  form.addEventListener("reset", function () {
    setTimeout(function () { apply(false); }, 0);
  });
  restore();
  apply(true);
}());
