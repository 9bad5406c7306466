// The comparison page: the models named by ?ids=a,b (2 to 4), read from the published
// dataset (data/leaderboard.json), shown side by side with each input's provenance, their
// CO2e ranges on one shared logarithmic axis, and the factor each input contributes to the
// gap between the largest and the smallest CO2e. Every word comes from the page
// (data-msg-*, translated when the site is built); hardware and basis names from
// #compare-names.
(function () {
  "use strict";
  var MAX = 4, MIN = 2;
  var SVG = "http://www.w3.org/2000/svg";
  var view = document.getElementById("compare");
  if (!view) return;
  var status = document.getElementById("compare-status");
  var names = JSON.parse(document.getElementById("compare-names").textContent);
  var locale = document.documentElement.lang || "en";
  var english = locale.slice(0, 2) === "en";
  // The four inputs whose product is the CO2e of a computed figure, and their columns.
  var FACTORS = [
    ["accelerator-hours", "accelerator_hours"],
    ["power", "power_w"],
    ["pue", "pue"],
    ["intensity", "carbon_intensity_kg_per_kwh"]
  ];

  function say(name, values) {
    var text = view.getAttribute("data-msg-" + name) || "";
    return text.replace(/\{(\w+)\}/g, function (whole, key) {
      var v = (values || {})[key];
      return typeof v === "number" ? num(v) : String(v);
    });
  }

  function num(x, digits) {
    if (x === null || x === undefined || x === "") return "—";
    return Number(x).toLocaleString(locale, { maximumSignificantDigits: digits || 3 });
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    (children || []).forEach(function (c) {
      node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return node;
  }

  function svg(tag, attrs) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    return node;
  }

  function message(text, refused) {
    var p = el("p", { "class": "notice" + (refused ? " refused" : "") }, [text]);
    view.appendChild(p);
    return p;
  }

  // The ids of the address, each once, in order.
  function requested() {
    var raw = new URLSearchParams(location.search).get("ids") || "";
    var ids = [];
    raw.split(",").forEach(function (id) {
      id = id.trim();
      if (id && ids.indexOf(id) < 0) ids.push(id);
    });
    return ids;
  }

  function idList(ids) {
    return ids.map(function (id) { return encodeURIComponent(id).replace(/%2F/g, "/"); }).join(",");
  }

  // A value with its provenance (stated or default) and, in English, where it comes from.
  function withProvenance(value, row, column) {
    var cell = [value];
    var prov = row[column + "_provenance"];
    if (prov) {
      cell.push(" ", el("span", { "class": "prov prov-" + prov }, [say(prov)]));
      var basis = row[column + "_basis"];
      if (basis) cell.push(el("span", english ? { "class": "origin" } : { "class": "origin", lang: "en" }, [basis]));
    }
    return cell;
  }

  function withRange(value, low, high) {
    if (value === null) return ["—"];
    if (low === null || high === null || low === high) return [num(value, 4)];
    return [num(value), el("span", { "class": "range" }, [say("range", { low: num(low, 2), high: num(high, 2) })])];
  }

  function table(rows) {
    var head = el("tr", {}, [el("td")]);
    rows.forEach(function (r) {
      var link = el("a", { href: view.dataset.models + r.id + ".html" }, [r.name]);
      head.appendChild(el("th", { scope: "col", "data-id": r.id }, [link]));
    });
    var lines = [
      ["organization", function (r) { return [r.organization]; }],
      ["released", function (r) { return [r.released || "—"]; }],
      ["basis", function (r) { return [names.basis[r.basis] || r.basis]; }],
      ["accelerators", function (r) { return [num(r.accelerators, 6)]; }],
      ["hardware", function (r) { return [r.hardware ? names.hardware[r.hardware] || r.hardware : "—"]; }],
      ["hours", function (r) {
        return [r.accelerators && r.accelerator_hours ? num(r.accelerator_hours / r.accelerators) : "—"];
      }],
      ["accelerator-hours", function (r) { return [num(r.accelerator_hours, 4)]; }],
      ["power", function (r) { return withProvenance(num(r.power_w, 4), r, "power_w"); }],
      ["pue", function (r) { return withProvenance(num(r.pue, 4), r, "pue"); }],
      ["intensity", function (r) {
        return withProvenance(num(r.carbon_intensity_kg_per_kwh, 4), r, "carbon_intensity");
      }],
      ["energy", function (r) { return withRange(r.energy_mwh, r.energy_mwh_low, r.energy_mwh_high); }],
      ["co2e", function (r) { return withRange(r.co2e_t, r.co2e_t_low, r.co2e_t_high); }]
    ];
    var body = el("tbody");
    lines.forEach(function (line) {
      var tr = el("tr", { "data-key": line[0] }, [el("th", { scope: "row" }, [say(line[0])])]);
      rows.forEach(function (r) { tr.appendChild(el("td", {}, line[1](r))); });
      body.appendChild(tr);
    });
    var t = el("table", { "class": "compare-table" }, [
      el("caption", {}, [say("caption")]), el("thead", {}, [head]), body
    ]);
    return el("div", { "class": "table-wrap" }, [t]);
  }

  // The CO2e of each model with its range, on one logarithmic axis shared by all.
  function axis(rows) {
    var lows = rows.map(function (r) { return r.co2e_t_low; });
    var highs = rows.map(function (r) { return r.co2e_t_high; });
    var from = Math.floor(Math.log10(Math.min.apply(null, lows)));
    var to = Math.ceil(Math.log10(Math.max.apply(null, highs)));
    if (to <= from) to = from + 1;
    var W = 600, left = 10, right = 10, rowH = 34, top = 10, H = top + rows.length * rowH + 30;
    function x(v) { return left + (Math.log10(v) - from) / (to - from) * (W - left - right); }
    var chart = svg("svg", {
      viewBox: "0 0 " + W + " " + H, "class": "compare-axis", role: "img", "aria-label": say("axis")
    });
    for (var d = from; d <= to; d++) {
      chart.appendChild(svg("line", { "class": "grid", x1: x(Math.pow(10, d)), x2: x(Math.pow(10, d)), y1: top, y2: H - 24 }));
      var label = svg("text", { "class": "tick", x: x(Math.pow(10, d)), y: H - 8, "text-anchor": "middle" });
      label.textContent = num(Math.pow(10, d));
      chart.appendChild(label);
    }
    rows.forEach(function (r, i) {
      var y = top + i * rowH + 22;
      var g = svg("g", { "class": "model", "data-id": r.id });
      var name = svg("text", { "class": "name", x: x(r.co2e_t), y: y - 9, "text-anchor": "middle" });
      name.textContent = r.name;
      g.appendChild(name);
      g.appendChild(svg("line", { "class": "spread", x1: x(r.co2e_t_low), x2: x(r.co2e_t_high), y1: y, y2: y }));
      g.appendChild(svg("circle", { "class": "dot", cx: x(r.co2e_t), cy: y, r: 5 }));
      chart.appendChild(g);
    });
    return el("figure", { "class": "compare-figure" }, [chart, el("figcaption", { "class": "small" }, [say("axis")])]);
  }

  // The factor each input contributes to the ratio of the largest CO2e to the smallest.
  function gap(rows) {
    var sorted = rows.slice().sort(function (a, b) { return b.co2e_t - a.co2e_t; });
    var large = sorted[0], small = sorted[sorted.length - 1];
    var ratio = large.co2e_t / small.co2e_t;
    var section = el("section", { "class": "gap", "aria-labelledby": "gap-heading" }, [
      el("h2", { id: "gap-heading" }, [say("gap-heading")])
    ]);
    if (large.co2e_t === small.co2e_t) {
      section.appendChild(el("p", {}, [say("gap-level")]));
      return section;
    }
    var whole = function (r) { return FACTORS.every(function (f) { return r[f[1]]; }); };
    var partial = [large, small].filter(function (r) { return !whole(r); });
    if (partial.length) {
      section.appendChild(el("p", { "class": "gap-reported" }, [say("gap-reported", {
        model: partial[0].name, basis: names.basis[partial[0].basis] || partial[0].basis, ratio: num(ratio)
      })]));
      return section;
    }
    section.appendChild(el("p", { "class": "gap-intro" }, [say("gap", {
      large: large.name, small: small.name, ratio: num(ratio)
    })]));
    var body = el("tbody");
    var product = 1;
    FACTORS.forEach(function (f) {
      var factor = large[f[1]] / small[f[1]];
      product *= factor;
      body.appendChild(el("tr", { "data-key": f[0] }, [
        el("th", { scope: "row" }, [say(f[0])]),
        el("td", { "class": "num" }, [num(large[f[1]], 4)]),
        el("td", { "class": "num" }, [num(small[f[1]], 4)]),
        el("td", { "class": "num factor", "data-factor": String(factor) }, [num(factor) + "×"])
      ]));
    });
    var head = el("tr", {}, [
      el("th", { scope: "col" }, [say("input")]),
      el("th", { scope: "col", "class": "num" }, [large.name]),
      el("th", { scope: "col", "class": "num" }, [small.name]),
      el("th", { scope: "col", "class": "num" }, [say("factor")])
    ]);
    section.appendChild(el("div", { "class": "table-wrap" }, [
      el("table", { "class": "gap-table", "data-ratio": String(ratio) }, [el("thead", {}, [head]), body])
    ]));
    section.appendChild(el("p", { "class": "gap-product", "data-product": String(product) }, [
      say("gap-product", { product: num(product) })
    ]));
    return section;
  }

  // The language links keep the choice.
  function carry() {
    Array.prototype.forEach.call(document.querySelectorAll(".languages a[hreflang]"), function (a) {
      var base = a.getAttribute("href");
      a.setAttribute("href", base.split(/[?#]/)[0] + location.search + location.hash);
    });
  }

  function show(data) {
    status.textContent = "";
    var byId = {};
    data.forEach(function (r) { byId[r.id] = r; });
    var ids = requested();
    ids.filter(function (id) { return !byId[id]; }).forEach(function (id) {
      message(say("unknown", { id: id }), true);
    });
    var known = ids.filter(function (id) { return byId[id]; });
    if (known.length > MAX) {
      message(say("many"), true);
      known = known.slice(0, MAX);
    }
    var back = el("a", { href: view.dataset.home + (known.length ? "?compare=" + idList(known) : "") }, [say("back")]);
    if (known.length < MIN) {
      message(say("few"), false);
      view.appendChild(el("p", {}, [back]));
      return;
    }
    var rows = known.map(function (id) { return byId[id]; });
    view.classList.add("filled");
    view.appendChild(table(rows));
    view.appendChild(axis(rows));
    view.appendChild(gap(rows));
    view.appendChild(el("p", {}, [back]));
  }

  carry();
  status.textContent = say("loading");
  fetch(view.dataset.dataset).then(function (response) {
    if (!response.ok) throw new Error("HTTP " + response.status);
    return response.json();
  }).then(show).catch(function (error) {
    status.textContent = "";
    message(say("failed", { error: error.message }), true);
  });
})();
