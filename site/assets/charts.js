// Draws the site-wide charts with vega-embed from each chart's Vega-Lite spec (a JSON
// file of this site). Until then, and without JavaScript, the static SVG rendered at
// build time shows.
//
// The vega bundle is large (about 900 KB), so it is fetched only once the reader does
// something on the page (scrolls, points, types) and a chart comes within a screen of
// the viewport; a link to a chart, or a view named in the address, fetches it at once.
//
// Drawn charts follow the table's filters (the "leaderboard:view" event of
// leaderboard.js names the ids shown), ring the selected model (a click on a point, or
// ?model= in the address) and its row, take their colours from the page's CSS custom
// properties, and offer a log/linear switch (?linear=chart ids), downloads (PNG, SVG,
// the shown data as CSV) and a link to the chart as it is shown.
(function () {
  "use strict";
  var holder = document.querySelector(".charts[data-vega]");
  var figures = Array.prototype.slice.call(document.querySelectorAll("figure[data-chart]"));
  if (!holder || !figures.length || !window.fetch || !window.Promise) return;

  var params = new URLSearchParams(location.search);
  var state = {
    ids: null,         // the ids the table's filters keep; null: every model
    idsKey: "",
    selected: params.get("model") || "",
    linear: (params.get("linear") || "").split(",").filter(Boolean)
  };
  var models = {};     // id -> a row naming it: name, url
  var charts = figures.map(function (figure) {
    return {
      id: figure.id.replace(/^chart-/, ""),
      figure: figure,
      target: figure.querySelector(".chart"),
      base: null,      // the spec as fetched
      logs: [],        // the channels the spec draws on a log scale
      rows: [],        // the rows drawn
      result: null,    // vega-embed's result
      busy: false,
      again: false
    };
  });
  var bundle = null;

  function loadVega() {
    if (!bundle) {
      bundle = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = holder.getAttribute("data-vega");
        script.onload = resolve;
        script.onerror = function () { reject(new Error("the vega bundle did not load")); };
        document.head.appendChild(script);
      });
    }
    return bundle;
  }

  function parts(spec) { return [spec].concat(spec.layer || []); }

  // The spec in the page's current colours: each light-theme colour the spec names
  // (usermeta.themed, by CSS custom property) becomes that property's value now.
  function themed(base) {
    var style = getComputedStyle(document.documentElement);
    var themedColours = (base.usermeta && base.usermeta.themed) || {};
    var text = JSON.stringify(base);
    Object.keys(themedColours).forEach(function (name) {
      var value = style.getPropertyValue(name).trim();
      if (value) text = text.split(JSON.stringify(themedColours[name])).join(JSON.stringify(value));
    });
    var spec = JSON.parse(text);
    var background = style.getPropertyValue("--bg").trim();
    if (background) spec.config = Object.assign({}, spec.config, { background: background });
    return spec;
  }

  function yearSums(runs) {
    var byYear = {};
    runs.forEach(function (run) {
      var sum = byYear[run.year] || (byYear[run.year] = { year: run.year, co2e_t: 0, runs: 0 });
      sum.co2e_t += run.co2e_t;
      sum.runs += 1;
    });
    return Object.keys(byYear).sort().map(function (year) { return byYear[year]; });
  }

  // The spec to draw now: the rows the filters keep, the scale the switch says, only
  // the domains with data in the legend, and the selected model.
  function prepared(chart) {
    var spec = themed(chart.base);
    var meta = spec.usermeta || {};
    var data = spec.datasets;
    var keep = state.ids ? function (row) { return state.ids.has(row.id); } : function () { return true; };
    if (meta.pool === "years") data.rows = yearSums(data.pool.filter(keep));
    else if (meta.pool === "top") data.rows = data.pool.filter(keep).slice(0, meta.limit);
    else data.rows = data.rows.filter(keep);
    delete data.pool;
    chart.rows = data.rows;
    if (meta.pool === "top") spec.height = Math.max(1, data.rows.length) * 22;
    var linear = state.linear.indexOf(chart.id) >= 0;
    var shown = {};
    data.rows.forEach(function (row) { shown[row.domain] = true; });
    parts(spec).forEach(function (part) {
      var enc = part.encoding || {};
      chart.logs.forEach(function (c) {
        if (!enc[c] || !enc[c].scale) return;
        enc[c].scale.type = linear ? "linear" : "log";
        if (linear && enc[c].axis) delete enc[c].axis.gridOpacity;  // faint between decades
      });
      var scale = enc.color && enc.color.scale;
      if (scale && scale.domain && scale.range) {
        var kept = scale.domain.map(function (d, i) { return [d, scale.range[i]]; })
          .filter(function (pair) { return shown[pair[0]]; });
        scale.domain = kept.map(function (pair) { return pair[0]; });
        scale.range = kept.map(function (pair) { return pair[1]; });
      }
    });
    if (spec.params) spec.params = [{ name: "selected", value: state.selected }];
    return spec;
  }

  function draw(chart) {
    var spec = prepared(chart);
    var empty = !chart.rows.length;
    var message = chart.figure.querySelector(".chart-empty");
    if (message) message.hidden = !empty;
    chart.target.hidden = empty;
    var tools = chart.figure.querySelector(".chart-tools");
    if (tools) tools.hidden = empty;
    if (chart.result) chart.result.finalize();
    chart.result = null;
    if (empty) {  // an empty chart would be only axes, with vega warning of an empty scale
      chart.target.textContent = "";
      chart.figure.classList.add("drawn");
      return Promise.resolve();
    }
    return window.vegaEmbed(chart.target, spec, {
      actions: false,          // no export menu, and no link to the online editor
      renderer: "svg",
      defaultStyle: false,     // styles live in style.css: the CSP allows no inline <style>
      tooltip: { disableDefaultStyle: true }
    }).then(function (result) {
      chart.result = result;
      result.view.addEventListener("click", function (event, item) {
        var datum = item && item.datum;
        if (datum && datum.id) select(datum.id);
      });
      chart.figure.classList.add("drawn");
      if (tools) tools.hidden = false;
      var scale = chart.figure.querySelector(".chart-scale");
      if (scale) {
        scale.hidden = !chart.logs.length;
        scale.querySelector("input").checked = state.linear.indexOf(chart.id) < 0;
      }
    });
  }

  // Draw a chart, and again if something changed while it was being drawn.
  function redraw(chart) {
    if (!chart.base) return;  // not fetched yet: it draws the state as it is then
    if (chart.busy) { chart.again = true; return; }
    chart.busy = true;
    draw(chart).catch(function (error) { console.warn("chart not drawn:", error); })
      .then(function () {
        chart.busy = false;
        if (chart.again) { chart.again = false; redraw(chart); }
      });
  }

  var pending = 0;
  function redrawAll() {
    clearTimeout(pending);
    pending = setTimeout(function () { charts.forEach(redraw); }, 60);
  }

  function start(chart) {
    if (chart.started) return;
    chart.started = true;
    var fallback = chart.target.innerHTML;
    var spec = fetch(chart.figure.getAttribute("data-chart")).then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.json();
    });
    chart.busy = true;
    Promise.all([spec, loadVega()]).then(function (got) {
      chart.base = got[0];
      parts(chart.base).forEach(function (part) {
        var enc = part.encoding || {};
        ["x", "y"].forEach(function (c) {
          if (enc[c] && enc[c].scale && enc[c].scale.type === "log" && chart.logs.indexOf(c) < 0) {
            chart.logs.push(c);
          }
        });
      });
      var datasets = chart.base.datasets || {};
      (datasets.rows || []).concat(datasets.pool || []).forEach(function (row) {
        if (row.id && row.name && row.url) models[row.id] = row;
      });
      showSelected();
      return draw(chart);
    }).catch(function (error) {
      chart.target.innerHTML = fallback;  // the static SVG stays
      chart.figure.classList.add("chart-failed");
      console.warn("chart not drawn:", error);
    }).then(function () {
      chart.busy = false;
      if (chart.again) { chart.again = false; redraw(chart); }
    });
  }

  // --- the address: ?model= and ?linear= beside the table's own parameters

  function writeParams() {
    var p = new URLSearchParams(location.search);
    if (state.selected) p.set("model", state.selected); else p.delete("model");
    if (state.linear.length) p.set("linear", state.linear.join(",")); else p.delete("linear");
    var query = p.toString();
    history.replaceState(history.state, "", (query ? "?" + query : location.pathname) + location.hash);
    shareLinks();
  }

  function shareLinks() {
    charts.forEach(function (chart) {
      var link = chart.figure.querySelector(".chart-share");
      if (link) link.href = location.pathname + location.search + "#" + chart.figure.id;
    });
  }

  // --- the selected model

  function select(id) {
    if (id && id === state.selected && models[id]) {
      location.href = models[id].url;  // a second click on the selected model opens its page
      return;
    }
    state.selected = id;
    writeParams();
    showSelected();
    markRow();
    charts.forEach(redraw);
  }

  function showSelected() {
    var model = models[state.selected];
    charts.forEach(function (chart) {
      var line = chart.figure.querySelector(".chart-selected");
      if (!line) return;
      line.hidden = !model;
      if (!model) return;
      var link = line.querySelector("a");
      link.href = model.url;
      link.textContent = model.name;
    });
  }

  function markRow() {
    document.querySelectorAll("tr.chart-selected").forEach(function (tr) {
      tr.classList.remove("chart-selected");
    });
    if (!state.selected || !window.CSS || !CSS.escape) return;
    document.querySelectorAll('tr[data-id="' + CSS.escape(state.selected) + '"]').forEach(function (tr) {
      tr.classList.add("chart-selected");
    });
  }

  // --- downloads

  function save(url, name) {
    var a = document.createElement("a");
    a.href = url;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
  }

  function saveBlob(blob, name) {
    var url = URL.createObjectURL(blob);
    save(url, name);
    setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
  }

  var FIRST_COLUMNS = ["id", "name", "organization", "released_label", "year", "domain"];

  function csv(rows) {
    var columns = FIRST_COLUMNS.filter(function (k) {
      return rows.some(function (row) { return k in row; });
    });
    rows.forEach(function (row) {
      Object.keys(row).forEach(function (k) {
        // the padded date is for drawing: released_label is the date as its source gives it
        if (k !== "url" && k !== "released" && columns.indexOf(k) < 0) columns.push(k);
      });
    });
    function cell(value) {
      var text = value === null || value === undefined ? "" : String(value);
      return /[",\n\r]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
    }
    return [columns.join(",")].concat(rows.map(function (row) {
      return columns.map(function (k) { return cell(row[k]); }).join(",");
    })).join("\r\n") + "\r\n";
  }

  function download(chart, kind) {
    var name = chart.id + "." + kind;
    if (kind === "csv") {
      saveBlob(new Blob([csv(chart.rows)], { type: "text/csv;charset=utf-8" }), name);
      return;
    }
    if (!chart.result) return;
    var view = chart.result.view;
    var made = kind === "svg"
      ? view.toSVG().then(function (svg) { saveBlob(new Blob([svg], { type: "image/svg+xml" }), name); })
      : view.toImageURL("png", 2).then(function (url) { save(url, name); });
    made.catch(function (error) { console.warn("chart not saved:", error); });
  }

  // --- the tools under each chart

  charts.forEach(function (chart) {
    var figure = chart.figure;
    figure.querySelectorAll("[data-download]").forEach(function (button) {
      button.addEventListener("click", function () { download(chart, button.getAttribute("data-download")); });
    });
    var scale = figure.querySelector(".chart-scale input");
    if (scale) {
      scale.addEventListener("change", function () {
        state.linear = state.linear.filter(function (id) { return id !== chart.id; });
        if (!scale.checked) state.linear.push(chart.id);
        writeParams();
        redraw(chart);
      });
    }
    var clear = figure.querySelector(".chart-clear");
    if (clear) clear.addEventListener("click", function () { select(""); });
    var share = figure.querySelector(".chart-share");
    var status = figure.querySelector(".chart-status");
    if (share && navigator.clipboard && window.isSecureContext) {
      share.addEventListener("click", function (event) {
        event.preventDefault();
        navigator.clipboard.writeText(share.href).then(function () {
          if (status) status.textContent = share.getAttribute("data-copied");
        }, function () { location.href = share.href; });
      });
    }
  });
  shareLinks();

  // --- the table's filters

  // The caption says when a chart shows only the models the filters keep.
  function filterNote(ids, total) {
    figures.forEach(function (figure) {
      var note = figure.querySelector(".chart-filtered");
      if (!note) return;
      var filtered = ids && ids.length < total;
      note.hidden = !filtered;
      note.textContent = filtered ? (note.getAttribute("data-msg") || "")
        .replace("{count}", ids.length.toLocaleString(document.documentElement.lang || "en"))
        .replace("{total}", total.toLocaleString(document.documentElement.lang || "en")) : "";
    });
  }

  document.addEventListener("leaderboard:view", function (event) {
    var ids = event.detail && event.detail.ids;
    var table = document.getElementById("leaderboard");
    filterNote(ids, Number(table && table.dataset.total) || (ids ? ids.length : 0));
    var key = ids ? ids.length + ":" + ids.slice().sort().join(",") : "";
    // leaderboard.js writes its own parameters once it has dispatched: ours follow
    setTimeout(function () { writeParams(); markRow(); }, 0);
    if (key === state.idsKey) return;
    state.idsKey = key;
    state.ids = ids ? new Set(ids) : null;
    redrawAll();
  });

  if (window.matchMedia) {
    var scheme = window.matchMedia("(prefers-color-scheme: dark)");
    var recolour = function () { charts.forEach(redraw); };
    if (scheme.addEventListener) scheme.addEventListener("change", recolour);
  }

  // --- when to fetch vega

  var armed = false;
  var wakers = ["scroll", "wheel", "pointerdown", "pointermove", "keydown", "touchstart", "focusin"];
  function arm() {
    if (armed) return;
    armed = true;
    wakers.forEach(function (name) { window.removeEventListener(name, arm, true); });
    if (!("IntersectionObserver" in window)) { charts.forEach(start); return; }
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (!entry.isIntersecting) return;
        observer.unobserve(entry.target);
        charts.forEach(function (chart) { if (chart.figure === entry.target) start(chart); });
      });
    }, { rootMargin: "100% 0px" });
    charts.forEach(function (chart) { observer.observe(chart.figure); });
  }
  showSelected();
  markRow();
  if (state.selected || state.linear.length || /^#chart-/.test(location.hash)) arm();
  else wakers.forEach(function (name) { window.addEventListener(name, arm, { capture: true, passive: true }); });
})();
