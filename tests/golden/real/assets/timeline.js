/* frise: what JavaScript adds to a timeline that already reads without it.
   - search and filters over the whole timeline (kept in the URL: ?tag=a&actor=b&q=word),
     from assets/search-index.js, loaded by a script tag on first use (so it works from
     file://); on a page cut into periods the results come from every period;
   - the frise follows the filters, and zooms and pans (buttons, Ctrl+wheel or pinch,
     + and - keys, arrows);
   - j/k or arrow keys from event to event, collapsible years, a compact view.
   Plain script, no framework, no build step. */
(function () {
  "use strict";
  var list = document.getElementById("timeline");
  var form = document.getElementById("filters");
  var frise = document.querySelector(".frise-scroll");
  var events = list ? Array.prototype.slice.call(list.querySelectorAll("li.event")) : [];
  var years = list ? Array.prototype.slice.call(list.querySelectorAll("li.year")) : [];

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  function words(text) {
    return fold(text).split(/[^\p{L}\p{N}]+/u).filter(function (w) { return w.length > 1; });
  }

  /* Keyboard: while focus is in the timeline, j/↓ and k/↑ go to the next or previous
     event shown (a shortcut active only there, so it never fires while typing). */
  function move(step) {
    var shown = events.filter(function (li) { return !li.hidden && li.offsetParent; });
    var here = document.activeElement && document.activeElement.closest("li.event");
    var at = shown.indexOf(here);
    var next = shown[at < 0 ? 0 : Math.min(shown.length - 1, Math.max(0, at + step))];
    if (next) {
      next.querySelector("h2 a, h3 a").focus({ preventScroll: true });
      next.scrollIntoView({ block: "start" });
    }
  }
  if (list) {
    list.addEventListener("keydown", function (e) {
      if (e.altKey || e.ctrlKey || e.metaKey || e.shiftKey || e.target.tagName === "BUTTON") { return; }
      var step = { j: 1, ArrowDown: 1, k: -1, ArrowUp: -1 }[e.key];
      if (step) { e.preventDefault(); move(step); }
    });
  }

  function button(text, cls, label) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = cls;
    b.textContent = text;
    if (label) { b.setAttribute("aria-label", label); b.title = label; }
    return b;
  }

  /* Collapsible years and the compact view (title and date rows, a row opens on focus). */
  if (list && years.length > 1) {
    var fold_ = list.getAttribute("data-fold");
    years.forEach(function (y) {
      var label = y.querySelector(".year-label");
      var text = label.querySelector(".y").textContent;
      var b = button("", "fold", fold_.replace("{year}", text));
      b.setAttribute("aria-expanded", "true");
      b.setAttribute("aria-controls", y.id + "-events");
      y.querySelector("ol.events").id = y.id + "-events";
      label.appendChild(b);
      b.addEventListener("click", function () {
        var open = b.getAttribute("aria-expanded") !== "true";
        b.setAttribute("aria-expanded", String(open));
        y.classList.toggle("folded", !open);
      });
    });
  }
  if (list && events.length > 1) {
    var compact = button(list.getAttribute("data-compact"), "compact-toggle");
    compact.setAttribute("aria-pressed", "false");
    if (form) {  /* at the top of the filters' box: no line of its own */
      form.insertBefore(compact, form.firstChild);
    } else {
      list.parentNode.insertBefore(compact, list);
    }
    compact.addEventListener("click", function () {
      var on = compact.getAttribute("aria-pressed") !== "true";
      compact.setAttribute("aria-pressed", String(on));
      list.classList.toggle("compact", on);
    });
  }

  /* The frise: zoom by widening the drawing inside its scroller; its text keeps its size. */
  var svg = frise && frise.querySelector("svg");
  var zoom = 1;
  function setZoom(z, centre) {
    var box = frise.getBoundingClientRect();
    var at = centre === undefined ? box.width / 2 : centre - box.left;
    var ratio = (frise.scrollLeft + at) / (svg.getBoundingClientRect().width || 1);
    zoom = Math.max(1, Math.min(64, z));
    svg.style.width = (zoom * 100) + "%";
    frise.scrollLeft = ratio * svg.getBoundingClientRect().width - at;
    frise.classList.toggle("zoomed", zoom > 1);
  }
  if (svg) {
    var say = frise.parentNode.dataset;
    var bar = document.createElement("div");
    bar.className = "zoom";
    var zin = button("+", "zoom-in", say.zoomIn);
    var zout = button("−", "zoom-out", say.zoomOut);
    var zall = button("⟷", "zoom-reset", say.zoomAll);
    [zout, zin, zall].forEach(function (b) { bar.appendChild(b); });
    frise.parentNode.insertBefore(bar, frise);
    zin.addEventListener("click", function () { setZoom(zoom * 2); });
    zout.addEventListener("click", function () { setZoom(zoom / 2); });
    zall.addEventListener("click", function () { setZoom(1); });
    frise.addEventListener("wheel", function (e) {
      if (!e.ctrlKey) { return; }  /* a pinch on a touchpad arrives as Ctrl+wheel */
      e.preventDefault();
      setZoom(zoom * Math.pow(2, -e.deltaY / 200), e.clientX);
    }, { passive: false });
    frise.parentNode.addEventListener("keydown", function (e) {
      if (e.altKey || e.ctrlKey || e.metaKey || e.target.tagName === "INPUT") { return; }
      if (e.key === "+" || e.key === "=") { setZoom(zoom * 2); } else if (e.key === "-") { setZoom(zoom / 2); } else if (e.key === "0") { setZoom(1); } else if (e.key === "ArrowRight" || e.key === "ArrowLeft") {
        frise.scrollLeft += (e.key === "ArrowRight" ? 1 : -1) * frise.clientWidth / 3;
      } else { return; }
      e.preventDefault();
    });
    var pinch = null;
    frise.addEventListener("touchstart", function (e) {
      if (e.touches.length === 2) { pinch = [Math.abs(e.touches[0].clientX - e.touches[1].clientX), zoom]; }
    }, { passive: true });
    frise.addEventListener("touchmove", function (e) {
      if (pinch && e.touches.length === 2 && pinch[0] > 0) {
        var d = Math.abs(e.touches[0].clientX - e.touches[1].clientX);
        setZoom(pinch[1] * d / pinch[0], (e.touches[0].clientX + e.touches[1].clientX) / 2);
      }
    }, { passive: true });
    frise.addEventListener("touchend", function () { pinch = null; }, { passive: true });
  }

  if (!form || !window.URLSearchParams || !history.replaceState) { return; }
  var boxes = Array.prototype.slice.call(form.querySelectorAll("input[type=checkbox]"));
  var search = form.querySelector("input[type=search]");
  var status = document.getElementById("shown");
  var noMatch = document.getElementById("no-match");
  var results = document.getElementById("results");
  var resultList = document.getElementById("result-list");
  var more = document.getElementById("more-results");
  var whole = document.querySelector(".whole");
  var split = form.hasAttribute("data-split");
  var root = form.getAttribute("data-root") || "";
  var data = null, vocabulary = null, decoded = {}, limit = 50;

  var LAST = "abcdefghijklmnopqrstuvwxyz012345", MORE = "ABCDEFGHIJKLMNOPQRSTUVWXYZ6789@$";
  var BITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  function decode(code) {  /* the inverse of search.py's encode_gaps and encode_bits */
    var out = [], i, c, k, acc = 0, last = -1;
    if (code.charAt(0) === "=") {
      for (i = 1; i < code.length; i += 1) {
        k = BITS.indexOf(code.charAt(i));
        for (c = 0; c < 6; c += 1) { if (k >> c & 1) { out.push((i - 1) * 6 + c); } }
      }
      return out;
    }
    for (i = 0; i < code.length; i += 1) {
      c = code.charAt(i);
      k = MORE.indexOf(c);
      if (k >= 0) { acc = acc * 32 + k; } else { last += acc * 32 + LAST.indexOf(c); out.push(last); acc = 0; }
    }
    return out;
  }

  function chosen(name) {
    return boxes.filter(function (b) { return b.name === name && b.checked; })
      .map(function (b) { return b.value; });
  }

  /* Several themes: any of them; several actors: any of them; a theme and an actor: both.
     Each word typed must start or be inside a word of the event, of its themes or actors. */
  function matches(tags, actors, query) {
    var n = data.events.length, keep = new Uint8Array(n), i;
    var tagAt = tags.map(function (t) { return data.tags.indexOf(t); });
    var actorAt = actors.map(function (a) { return data.actors.indexOf(a); });
    for (i = 0; i < n; i += 1) {
      var ev = data.events[i];
      keep[i] = (!tags.length || ev[5].some(function (t) { return tagAt.indexOf(t) >= 0; })) &&
        (!actors.length || ev[6].some(function (a) { return actorAt.indexOf(a) >= 0; })) ? 1 : 0;
    }
    query.forEach(function (q) {
      var hit = new Uint8Array(n);
      vocabulary.forEach(function (w) {
        if (w.indexOf(q) < 0) { return; }
        var found = decoded[w] || (decoded[w] = decode(data.words[w]));
        found.forEach(function (p) { hit[p] = 1; });
      });
      for (i = 0; i < n; i += 1) { keep[i] &= hit[i]; }
    });
    return keep;
  }

  function showResults(keep) {
    resultList.textContent = "";
    var shown = 0, total = 0;
    data.events.forEach(function (ev, i) {
      if (!keep[i]) { return; }
      total += 1;
      if (shown >= limit) { return; }
      shown += 1;
      var li = document.createElement("li");
      var when = document.createElement("span");
      when.className = "when";
      when.textContent = ev[2];
      var a = document.createElement("a");
      a.href = root + "events/" + ev[0] + "/index.html";
      a.textContent = ev[1];
      li.appendChild(when);
      li.appendChild(document.createTextNode(" "));
      li.appendChild(a);
      resultList.appendChild(li);
    });
    more.hidden = total <= shown;
  }

  function followFrise(keep, active) {
    if (!svg) { return; }
    Array.prototype.forEach.call(svg.querySelectorAll("[data-event]"), function (el) {
      var at = data.position[el.getAttribute("data-event")];
      el.classList.toggle("off", active && !(at !== undefined && keep[at]));
    });
    var bins = Array.prototype.slice.call(svg.querySelectorAll("a.bin"));
    if (!bins.length) { return; }
    var counts = bins.map(function (b) {
      var lo = +b.getAttribute("data-lo"), hi = +b.getAttribute("data-hi"), n = 0;
      data.events.forEach(function (ev, i) { if (keep[i] && ev[3] >= lo && ev[3] < hi) { n += 1; } });
      return n;
    });
    var most = Math.max.apply(null, counts.concat([1]));
    bins.forEach(function (b, k) {
      var rect = b.querySelector("rect.count");
      if (!rect.hasAttribute("data-base")) {
        rect.setAttribute("data-base", +rect.getAttribute("y") + +rect.getAttribute("height"));
      }
      var base = +rect.getAttribute("data-base");
      var h = counts[k] ? Math.max(3, Math.round(40 * counts[k] / most)) : 0;
      rect.setAttribute("y", base - h);
      rect.setAttribute("height", h);
      b.classList.toggle("off", !counts[k]);
    });
  }

  function apply(keepUrl) {
    var tags = chosen("tag"), actors = chosen("actor");
    var query = words(search.value);
    var active = tags.length > 0 || actors.length > 0 || search.value.trim() !== "";
    if (!keepUrl) {
      var params = new URLSearchParams();
      tags.forEach(function (t) { params.append("tag", t); });
      actors.forEach(function (a) { params.append("actor", a); });
      if (search.value.trim()) { params.set("q", search.value.trim()); }
      var text = params.toString();
      try {
        history.replaceState(null, "", location.pathname + (text ? "?" + text : "") + location.hash);
      } catch (err) { /* some browsers refuse it on file:// pages: the filter still works */ }
    }
    if (!data) {
      if (active) { status.textContent = status.getAttribute("data-loading"); load(); }
      return;
    }
    var keep = matches(tags, actors, query);
    var count = 0, i;
    for (i = 0; i < keep.length; i += 1) { count += keep[i]; }
    if (split) {
      results.hidden = !active;
      if (whole) { whole.hidden = active; }
      if (active) { showResults(keep); }
    } else {
      events.forEach(function (li) {
        var at = data.position[li.id];
        li.hidden = active && !(at !== undefined && keep[at]);
      });
      years.forEach(function (y) { y.hidden = !y.querySelector("li.event:not([hidden])"); });
      if (list) { list.classList.toggle("filtered", active); }
    }
    followFrise(keep, active);
    status.parentNode.classList.toggle("idle", !active);
    noMatch.hidden = count > 0;
    status.textContent = status.getAttribute("data-template")
      .replace("{shown}", count).replace("{total}", keep.length);
  }

  var loading = false;
  function load() {
    if (data || loading) { return; }
    loading = true;
    var script = document.createElement("script");
    script.src = form.getAttribute("data-index");
    script.onload = function () {
      data = window.friseIndex;
      vocabulary = Object.keys(data.words);
      data.position = {};
      data.events.forEach(function (ev, i) { data.position[ev[0]] = i; });
      apply(true);
      document.documentElement.setAttribute("data-search-ready", "");
    };
    document.head.appendChild(script);
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
  form.addEventListener("focusin", load);
  search.addEventListener("input", function () { apply(false); });
  more.addEventListener("click", function () { limit += 50; apply(true); });
  form.addEventListener("reset", function () {
    setTimeout(function () { apply(false); }, 0);
  });
  restore();
  status.parentNode.classList.add("idle");
  status.textContent = status.getAttribute("data-template")
    .replace("{shown}", status.getAttribute("data-total")).replace("{total}", status.getAttribute("data-total"));
  if (split && !+status.getAttribute("data-total")) { status.textContent = ""; }
  apply(true);
}());
