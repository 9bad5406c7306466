// What if, on a model page: the standardized figures recomputed with another grid region,
// PUE preset or accelerator. The arithmetic mirrors builder/whatif.py and builder/compute.py
// step by step, on the inputs the build exports to data/formula.json (fetched only when the
// panel is opened, or when the address already holds a choice); the rounding mirrors
// builder/conventions.py. tests/test_whatif_browser.py checks both against the builder.
// The panel is hidden in the HTML: without JavaScript the page reads as it always has.
(function () {
  "use strict";

  // --- the formula (window.leaderboardWhatif, so tests can call it) ---

  function triple(x) {
    if (x === null || x === undefined) return null;
    return Array.isArray(x) ? x : [x, x, x];
  }

  function nearest(years, year) { // the year with data closest to `year`, the later on a tie
    var best = null;
    Object.keys(years).forEach(function (key) {
      var y = Number(key);
      var d = Math.abs(y - year);
      if (best === null || d < Math.abs(best - year) || (d === Math.abs(best - year) && y > best)) {
        best = y;
      }
    });
    return best;
  }

  function windowOf(years, used, width) { // lowest and highest value within `width` years
    var near = Object.keys(years).filter(function (k) {
      return Math.abs(Number(k) - used) <= width;
    }).map(function (k) { return years[k]; });
    return [Math.min.apply(null, near), Math.max.apply(null, near)];
  }

  function regionYears(data, key) {
    var r = data.regions[key];
    return r.l ? data.regions[r.l].y : r.y;
  }

  function intensity(data, key, year) { // compute.intensity_of
    var ys = regionYears(data, key);
    var used = nearest(ys, year);
    var v = ys[used];
    var range = windowOf(ys, used, data.window);
    if (range[0] === range[1]) range = [v * (1 - data.spread), v * (1 + data.spread)];
    return [v, range[0], range[1]];
  }

  function pue(data, key, year) { // compute.pue_of
    var ys = data.pue[key].y;
    var used = nearest(ys, year);
    var v = ys[used];
    if (key !== "industry") {
      var range = windowOf(ys, used, data.window);
      return [v, range[0], range[1]];
    }
    var fleets = Object.keys(data.pue).filter(function (k) { return k !== "industry"; })
      .map(function (k) { var s = data.pue[k].y; return s[nearest(s, used)]; });
    var lo = Math.min.apply(null, fleets.concat([v]));
    return [v, lo, 2 * v - lo];
  }

  // An accelerator's dense peak FLOP/s for a run at `precision`: its own, else the other
  // 16-bit format's (fp16 and bf16 are one class, as in whatif.peak_at); undefined without.
  var SIXTEEN_BIT = { fp16: "bf16", bf16: "fp16" };
  function peak(hw, precision) {
    if (hw.f[precision] !== undefined) return hw.f[precision];
    var other = SIXTEEN_BIT[precision];
    return other ? hw.f[other] : undefined;
  }

  // {co2e: [value, low, high], energy: [value, low, high] or null} of entry `id` with
  // `choice` {region, pue, hw} (each optional): whatif.whatif, then compute.result_of.
  function compute(data, id, choice) {
    var e = data.entries[id];
    var h = triple(e.h), p = triple(e.p), u = triple(e.u), c = triple(e.c);
    choice = choice || {};
    if (choice.hw) {
      var ratio = data.hardware[e.hw].f[e.pr] / peak(data.hardware[choice.hw], e.pr);
      h = h.map(function (x) { return x * ratio; });
      p = triple(data.hardware[choice.hw].p);
    }
    if (choice.pue) u = pue(data, choice.pue, e.py);
    if (choice.region) c = intensity(data, choice.region, e.gy);
    var energy = null, co2e = null, i;
    if (h) {
      energy = [0, 1, 2].map(function (i) { return h[i] * p[i] / 1000.0 * u[i] / 1000.0; });
    } else if (e.b === "reported-energy") {
      energy = u ? u.map(function (x) { return e.e * x; }) : [e.e, e.e, e.e];
    }
    if (e.b === "reported-co2e") {
      if (e.s !== null && e.s !== undefined) {
        var mwh = e.co2e / e.s;
        energy = [mwh, mwh, mwh];
      }
      co2e = [e.co2e, e.co2e, e.co2e];
      if (choice.region && energy && c) co2e = [0, 1, 2].map(function (i) { return energy[i] * c[i]; });
    } else if (energy && c) {
      co2e = [];
      for (i = 0; i < 3; i++) co2e.push(energy[i] * c[i]);
    } else {
      co2e = [0, 0, 0];
    }
    return { co2e: co2e, energy: energy };
  }

  function extremes(data, year) { // whatif.extremes: the cleanest and dirtiest region
    var clean = "", dirty = "", low = 0, high = 0;
    Object.keys(data.regions).forEach(function (key) {
      // a region with no figure within the window of `year` was not that year's grid
      if (Math.abs(nearest(regionYears(data, key), year) - year) > data.window) return;
      var v = intensity(data, key, year)[0];
      if (v <= 0) return; // a source's zero is a gap in its data, not a clean grid
      if (!clean || v < low) { clean = key; low = v; }
      if (!dirty || v > high) { dirty = key; high = v; }
    });
    return [clean, dirty];
  }

  // --- rounding: conventions.significant, format_number, format_estimate ---

  // |x| rounded half to even at `decimals` places (negative: tens, hundreds...), read from
  // its exact decimal expansion as Python's round() does; the nearest double to it.
  function roundAt(x, decimals) {
    var sign = x < 0 ? -1 : 1;
    var text = Math.abs(x) >= 1e21 ? BigInt(Math.abs(x)).toString() + "." : Math.abs(x).toFixed(100);
    var parts = text.split(".");
    var digits = parts[0] + parts[1];
    var keep = parts[0].length + decimals;
    if (keep < 0) return 0;
    var head = digits.slice(0, keep) || "0";
    var rest = digits.slice(keep);
    var up = false;
    if (rest.charAt(0) > "5") up = true;
    else if (rest.charAt(0) === "5") {
      up = /[1-9]/.test(rest.slice(1)) || Number(head.charAt(head.length - 1)) % 2 === 1;
    }
    var n = BigInt(head) + (up ? BigInt(1) : BigInt(0));
    return sign * Number(n.toString() + "e" + (-decimals));
  }

  function magnitude(x) { return Math.floor(Math.log10(Math.abs(x))); }

  function significant(x, digits) {
    if (x === 0 || !isFinite(x)) return x;
    return roundAt(x, digits - 1 - magnitude(x));
  }

  function group(text) { return text.replace(/\B(?=(\d{3})+(?!\d))/g, ","); }

  function formatNumber(x, digits) {
    if (x === null || x === undefined) return "—";
    if (x === 0) return "0";
    var mag = magnitude(x);
    if (mag >= 15 || mag < -4) { // Python's "{:.2e}", without the exponent's "+"
      var m = significant(Math.abs(x), digits);
      var exp = magnitude(m);
      var mant = roundAt(m / Math.pow(10, exp), digits - 1);
      if (Math.abs(mant) >= 10) { mant /= 10; exp += 1; }
      var e = Math.abs(exp) < 10 ? "0" + Math.abs(exp) : String(Math.abs(exp));
      return (x < 0 ? "-" : "") + mant.toFixed(digits - 1) + "e" + (exp < 0 ? "-" : "") + e;
    }
    var decimals = Math.max(0, digits - 1 - mag);
    var shown = decimals ? significant(x, digits) : roundAt(x, 0);
    var text = shown.toFixed(decimals);
    var parts = text.split(".");
    var neg = parts[0].charAt(0) === "-";
    var whole = group(neg ? parts[0].slice(1) : parts[0]);
    text = (neg ? "-" : "") + whole + (parts.length > 1 ? "." + parts[1] : "");
    return text.indexOf(".") >= 0 ? text.replace(/0+$/, "").replace(/\.$/, "") : text;
  }

  function formatEstimate(x, digits) {
    if (x === null || x === undefined) return "—";
    return formatNumber(significant(x, digits), digits);
  }

  var api = {
    compute: compute,
    extremes: extremes,
    intensity: intensity,
    pue: pue,
    significant: significant,
    formatNumber: formatNumber,
    formatEstimate: formatEstimate
  };
  window.leaderboardWhatif = api;

  // --- the panel ---

  var panel = document.getElementById("whatif");
  if (!panel) return;
  var form = document.getElementById("whatif-form");
  var opener = panel.querySelector(".whatif-open");
  var id = panel.getAttribute("data-entry");
  var can = (panel.getAttribute("data-can") || "").split(" ").filter(Boolean);
  var groupMark = panel.getAttribute("data-group") || ",";
  var decimalMark = panel.getAttribute("data-decimal") || ".";
  var data = null, loading = null;
  panel.hidden = false;
  if (!form || !opener) return;

  function field(name) { return form.querySelector("select[name=\"" + name + "\"]"); }

  function msg(name, values) {
    var text = panel.getAttribute("data-msg-" + name) || "";
    return text.replace(/\{(\w+)\}/g, function (whole, key) { return values[key]; });
  }

  function local(text) { // the page's number symbols
    if (groupMark === "," && decimalMark === ".") return text;
    return text.replace(/,/g, "\u0000").replace(/\./g, decimalMark).replace(/\u0000/g, groupMark);
  }

  function load() {
    if (!loading) {
      loading = fetch(panel.getAttribute("data-formula"))
        .then(function (r) {
          if (!r.ok) throw new Error(r.status);
          return r.json();
        })
        .then(function (d) { data = d; fill(); return d; });
    }
    return loading;
  }

  function option(select, value, label, parent) {
    var o = document.createElement("option");
    o.value = value;
    o.textContent = label;
    (parent || select).appendChild(o);
  }

  function regionName(k) { // in the page's language where the build has that name
    var names = (data.names || {})[document.documentElement.lang] || {};
    return names[k] || data.regions[k].n;
  }

  function byName(table, name) {
    var lang = document.documentElement.lang;
    name = name || function (k) { return table[k].n; };
    return Object.keys(table).sort(function (a, b) {
      return name(a).localeCompare(name(b), lang);
    });
  }

  function fill() {
    var e = data.entries[id];
    var region = field("region"), pueSelect = field("pue"), hw = field("hw");
    if (region) {
      ["world", "country", "us-state", "cloud-region"].forEach(function (kind) {
        var g = document.createElement("optgroup");
        g.label = panel.getAttribute("data-kind-" + kind) || kind;
        byName(data.regions, regionName).forEach(function (k) {
          if (data.regions[k].k === kind) option(region, k, regionName(k) + " (" + k + ")", g);
        });
        if (g.children.length) region.appendChild(g);
      });
    }
    if (pueSelect) {
      byName(data.pue).forEach(function (k) {
        var label = k === "industry" ? data.pue[k].n : msg("fleet", { provider: data.pue[k].n });
        option(pueSelect, k, label);
      });
    }
    if (hw && e.hw) {
      byName(data.hardware).forEach(function (k) {
        if (k !== e.hw && peak(data.hardware[k], e.pr) !== undefined) option(hw, k, data.hardware[k].n);
      });
    }
  }

  function choice() {
    var c = {};
    ["region", "pue", "hw"].forEach(function (name) {
      var el = field(name);
      if (el && el.value) c[name] = el.value;
    });
    return c;
  }

  function rangeText(t, unit) {
    return msg("range-" + unit, {
      low: local(formatEstimate(t[1], 2)),
      high: local(formatEstimate(t[2], 2))
    });
  }

  function show() {
    var c = choice();
    var published = compute(data, id, {});
    var now = compute(data, id, c);
    var out = panel.querySelector(".whatif-result");
    var co2e = out.querySelector(".whatif-co2e");
    co2e.querySelector(".value").textContent = msg("t", { value: local(formatEstimate(now.co2e[0], 3)) });
    co2e.querySelector(".range").textContent = now.co2e[1] !== now.co2e[2] ? rangeText(now.co2e, "t") : "";
    var factor = published.co2e[0] ? now.co2e[0] / published.co2e[0] : null;
    co2e.querySelector(".factor").textContent = factor === null ? "" :
      msg("factor", { factor: local(formatEstimate(factor, 2)) });
    var energy = out.querySelector(".whatif-energy");
    energy.querySelector(".value").textContent = now.energy ?
      local(formatEstimate(now.energy[0], 3)) + " MWh" : "—";
    energy.querySelector(".range").textContent = now.energy && now.energy[1] !== now.energy[2] ?
      rangeText(now.energy, "mwh") : "";
    out.setAttribute("data-co2e", String(now.co2e[0]));
    var note = panel.querySelector(".whatif-assumption");
    if (note) note.hidden = !c.hw;
    remember(c);
  }

  function remember(c) {
    var params = new URLSearchParams(window.location.search);
    ["region", "pue", "hw"].forEach(function (name) {
      if (c[name]) params.set(name, c[name]); else params.delete(name);
    });
    var query = params.toString();
    var url = window.location.pathname + (query ? "?" + query : "") + window.location.hash;
    window.history.replaceState(null, "", url);
  }

  function open() {
    opener.setAttribute("aria-expanded", "true");
    form.hidden = false;
    return load();
  }

  opener.addEventListener("click", function () {
    if (form.hidden) open().then(show);
    else { form.hidden = true; opener.setAttribute("aria-expanded", "false"); }
  });
  form.addEventListener("change", function () { if (data) show(); });
  Array.prototype.forEach.call(form.querySelectorAll("[data-pick]"), function (button) {
    button.addEventListener("click", function () {
      if (!data) return;
      var ends = extremes(data, data.entries[id].gy);
      field("region").value = ends[button.getAttribute("data-pick") === "cleanest" ? 0 : 1];
      show();
    });
  });
  var reset = form.querySelector("[data-reset]");
  if (reset) {
    reset.addEventListener("click", function () {
      ["region", "pue", "hw"].forEach(function (name) {
        if (field(name)) field(name).value = "";
      });
      if (data) show();
    });
  }

  // a choice in the address: open the panel with it
  var params = new URLSearchParams(window.location.search);
  var asked = { region: params.get("region"), pue: params.get("pue"), hw: params.get("hw") };
  var wanted = { region: "region", pue: "pue", hw: "hardware" };
  if (asked.region || asked.pue || asked.hw) {
    open().then(function () {
      Object.keys(asked).forEach(function (name) {
        var el = field(name);
        if (!asked[name] || !el || can.indexOf(wanted[name]) < 0) return;
        el.value = asked[name];
        if (el.value !== asked[name]) el.value = ""; // not one of the choices
      });
      show();
    });
  }
})();
