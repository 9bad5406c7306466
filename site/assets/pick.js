// Choosing models to compare: a checkbox in each leaderboard row (built into the HTML),
// a "Compare (n)" button that opens compare/?ids=a,b when 2 to 4 are ticked, and the
// choice kept in the address as ?compare=a,b (leaderboard.js keeps it when it writes its
// own parameters). A fifth tick is refused with a message.
(function () {
  "use strict";
  var MAX = 4, MIN = 2;
  var table = document.getElementById("leaderboard");
  var bar = document.getElementById("compare-bar");
  if (!table || !bar) return;
  var go = document.getElementById("compare-go");
  var clear = document.getElementById("compare-clear");
  var msg = document.getElementById("compare-msg");
  var locale = document.documentElement.lang || "en";

  // Whole numbers below 1,000 read the same in both of the site's languages: written
  // without Intl, whose first use loads the locale's data (over 100 ms on a slow phone,
  // and every page shows such a count as it opens).
  function wholeNumber(v) {
    return v % 1 === 0 && Math.abs(v) < 1000 ? String(v) : v.toLocaleString(locale);
  }

  function say(name, values) {
    var text = bar.getAttribute("data-msg-" + name) || "";
    return text.replace(/\{(\w+)\}/g, function (whole, key) {
      var v = values[key];
      return typeof v === "number" ? wholeNumber(v) : String(v);
    });
  }

  function fromUrl() {
    var raw = new URLSearchParams(location.search).get("compare") || "";
    var seen = [];
    raw.split(",").forEach(function (id) {
      id = id.trim();
      if (id && seen.indexOf(id) < 0 && seen.length < MAX) seen.push(id);
    });
    return seen;
  }

  var chosen = fromUrl();

  // Each id as it is, but for its slashes, which an address keeps readable.
  function idList(ids) {
    return ids.map(function (id) { return encodeURIComponent(id).replace(/%2F/g, "/"); }).join(",");
  }

  function writeUrl() {
    var params = new URLSearchParams(location.search);
    params.delete("compare");
    var query = params.toString().replace(/%2C/g, ",");
    if (chosen.length) query += (query ? "&" : "") + "compare=" + idList(chosen);
    history.replaceState(history.state, "", (query ? "?" + query : location.pathname) + location.hash);
    // the other language's link keeps the view, as leaderboard.js does for its own
    Array.prototype.forEach.call(document.querySelectorAll(".languages a[hreflang]"), function (a) {
      var base = a.getAttribute("data-href") || a.getAttribute("href");
      a.setAttribute("data-href", base);
      a.setAttribute("href", base.split(/[?#]/)[0] + location.search + location.hash);
    });
  }

  function sync() {
    Array.prototype.forEach.call(table.querySelectorAll("input.pick"), function (box) {
      box.checked = chosen.indexOf(box.value) >= 0;
    });
    var n = chosen.length;
    go.textContent = say("go", { count: n });
    go.disabled = n < MIN || n > MAX;
    clear.hidden = n === 0;
    bar.classList.toggle("has-choice", n > 0);
  }

  function status(text, refused) {
    msg.textContent = text;
    msg.classList.toggle("refused", !!refused);
  }

  table.addEventListener("change", function (event) {
    var box = event.target;
    if (!box.classList || !box.classList.contains("pick")) return;
    var at = chosen.indexOf(box.value);
    if (box.checked && at < 0) {
      if (chosen.length >= MAX) {
        box.checked = false;
        status(say("full", {}), true);
        return;
      }
      chosen.push(box.value);
    } else if (!box.checked && at >= 0) {
      chosen.splice(at, 1);
    }
    sync();
    writeUrl();
    status(chosen.length >= MIN ? say("ready", { count: chosen.length }) : say("hint", {}), false);
  });

  go.addEventListener("click", function () {
    if (chosen.length < MIN || chosen.length > MAX) return;
    location.href = bar.dataset.href + "?ids=" + idList(chosen);
  });

  clear.addEventListener("click", function () {
    chosen = [];
    sync();
    writeUrl();
    status(say("hint", {}), false);
    go.focus();
  });

  // The rows the table shows change as it sorts, filters and turns pages: tick them again.
  document.addEventListener("leaderboard:view", function () { sync(); });
  sync();
  if (chosen.length >= MIN) status(say("ready", { count: chosen.length }), false);
})();
