// Sorting, filtering and paging of the leaderboard table. The HTML already lists the
// models in the default order (CO2e, largest first), PAGE rows a page; this script sorts
// and filters all of them (fetching every row from data/rows.json when the page holds
// only the first PAGE), shows one page at a time, and keeps the view in the URL.
(function () {
  "use strict";
  var table = document.getElementById("leaderboard");
  var form = document.getElementById("filters");
  if (!table || !form) return;
  var tbody = table.tBodies[0];
  var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
  var count = document.getElementById("row-count");
  var pageSize = Number(table.dataset.pageSize) || 200;
  var DEFAULT = { key: "co2e", dir: "desc" };
  var locale = document.documentElement.lang || "en";

  // The page's own words, translated at build time: data-msg-* attributes of the table,
  // with {name} placeholders.
  function say(name, values) {
    var text = table.getAttribute("data-msg-" + name) || "";
    return text.replace(/\{(\w+)\}/g, function (whole, key) {
      var v = values[key];
      return typeof v === "number" ? v.toLocaleString(locale) : String(v);
    });
  }
  var state = { key: DEFAULT.key, dir: DEFAULT.dir, page: 1 };
  var rows = [];       // every row, in the default order
  var keys = [];       // per row: the sort value of each column
  var pager = null;

  function valueOf(cell, i) {
    var raw = cell.getAttribute("data-value");
    if (raw !== null) {
      if (raw === "") return null;
      return headers[i].dataset.type === "number" ? Number(raw) : raw.toLowerCase();
    }
    var text = cell.textContent.trim();
    return text === "—" || text === "" ? null : text.toLowerCase();
  }

  function adopt(list) {
    rows = list;
    keys = rows.map(function (row) {
      return Array.prototype.map.call(row.cells, valueOf);
    });
    rows.forEach(function (row, i) { row.dataset.index = String(i); });
  }

  function columnOf(key) {
    for (var i = 0; i < headers.length; i++) if (headers[i].dataset.key === key) return i;
    return -1;
  }

  function filters() {
    var data = new FormData(form);
    return {
      q: String(data.get("q") || "").trim().toLowerCase(),
      org: String(data.get("org") || ""),
      hw: String(data.get("hw") || ""),
      domain: String(data.get("domain") || ""),
      basis: String(data.get("basis") || ""),
      from: String(data.get("from") || ""),
      to: String(data.get("to") || "")
    };
  }

  function matches(row, f, from, to) {
    var year = row.dataset.year ? Number(row.dataset.year) : null;
    return (!f.q || row.dataset.search.indexOf(f.q) !== -1) &&
      (!f.org || row.dataset.org === f.org) &&
      (!f.hw || row.dataset.hw === f.hw) &&
      (!f.domain || row.dataset.domain === f.domain) &&
      (!f.basis || row.dataset.basis === f.basis) &&
      ((from === -Infinity && to === Infinity) || (year !== null && year >= from && year <= to));
  }

  function render() {
    var col = columnOf(state.key);
    if (col < 0) { state.key = DEFAULT.key; state.dir = DEFAULT.dir; col = columnOf(state.key); }
    var numeric = headers[col].dataset.type === "number";
    var sign = state.dir === "asc" ? 1 : -1;
    var f = filters();
    var from = f.from ? Number(f.from) : -Infinity;
    var to = f.to ? Number(f.to) : Infinity;
    var order = [];
    for (var i = 0; i < rows.length; i++) if (matches(rows[i], f, from, to)) order.push(i);
    order.sort(function (a, b) {
      var x = keys[a][col], y = keys[b][col];
      if (x === null && y === null) return a - b;
      if (x === null) return 1;  // unknown values last, whichever the direction
      if (y === null) return -1;
      var c = numeric ? x - y : (x < y ? -1 : x > y ? 1 : 0);
      return c !== 0 ? sign * c : a - b;
    });
    var pages = Math.max(1, Math.ceil(order.length / pageSize));
    state.page = Math.min(Math.max(1, state.page), pages);
    var start = (state.page - 1) * pageSize;
    var frag = document.createDocumentFragment();
    order.slice(start, start + pageSize).forEach(function (i) { frag.appendChild(rows[i]); });
    tbody.replaceChildren(frag);
    headers.forEach(function (th, i) {
      if (i === col) th.setAttribute("aria-sort", state.dir === "asc" ? "ascending" : "descending");
      else th.removeAttribute("aria-sort");
    });
    count.textContent = order.length === rows.length
      ? say("all", { count: rows.length })
      : say("some", { shown: order.length, count: rows.length });
    renderPager(order.length, pages, start);
    announce(order);
  }

  // Tell the page's other parts (the charts) which models the filters keep, in the
  // table's order, across every page.
  function announce(order) {
    var ids = order.map(function (i) { return rows[i].dataset.id; });
    document.dispatchEvent(new CustomEvent("leaderboard:view", {
      detail: { ids: ids, total: rows.length }
    }));
  }

  function renderPager(shown, pages, start) {
    if (!pager) return;
    pager.hidden = pages <= 1;
    pager.querySelector(".pager-status").textContent = say("page", {
      page: state.page, pages: pages, first: shown ? start + 1 : 0,
      last: Math.min(shown, start + pageSize), count: shown
    });
    pager.querySelector("[data-step='-1']").disabled = state.page <= 1;
    pager.querySelector("[data-step='1']").disabled = state.page >= pages;
  }

  function writeUrl() {
    var params = new URLSearchParams();
    var f = filters();
    Object.keys(f).forEach(function (k) {
      var v = k === "q" ? form.elements.q.value.trim() : f[k];
      if (v) params.set(k, v);
    });
    if (state.key !== DEFAULT.key || state.dir !== DEFAULT.dir) {
      params.set("sort", state.key);
      params.set("dir", state.dir);
    }
    if (state.page > 1) params.set("page", String(state.page));
    var query = params.toString();
    history.replaceState(null, "", query ? "?" + query : location.pathname);
  }

  function readUrl() {
    var params = new URLSearchParams(location.search);
    ["q", "org", "hw", "domain", "basis", "from", "to"].forEach(function (k) {
      var el = form.elements[k];
      if (el && params.has(k)) el.value = params.get(k);
    });
    if (params.has("sort") && columnOf(params.get("sort")) >= 0) {
      state.key = params.get("sort");
      state.dir = params.get("dir") === "asc" ? "asc" : "desc";
    }
    state.page = Number(params.get("page")) || 1;
  }

  function makePager() {
    var nav = document.createElement("nav");
    nav.className = "pager";
    nav.setAttribute("aria-label", say("pages", {}));
    [["-1", say("prev", {})], ["0", ""], ["1", say("next", {})]].forEach(function (part) {
      var el;
      if (part[0] === "0") {
        el = document.createElement("span");
        el.className = "pager-status";
        el.setAttribute("role", "status");
      } else {
        el = document.createElement("button");
        el.type = "button";
        el.dataset.step = part[0];
        el.textContent = part[1];
        el.addEventListener("click", function () {
          state.page += Number(part[0]);
          render();
          writeUrl();
          table.scrollIntoView({ block: "start" });
        });
      }
      nav.appendChild(el);
    });
    var wrap = table.closest(".table-wrap");
    var old = wrap.nextElementSibling;
    if (old && old.classList.contains("pager")) old.remove();  // the static links
    wrap.after(nav);
    return nav;
  }

  function start() {
    headers.forEach(function (th) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      while (th.firstChild) button.appendChild(th.firstChild);
      th.appendChild(button);
      button.addEventListener("click", function () {
        var key = th.dataset.key;
        if (state.key === key) state.dir = state.dir === "asc" ? "desc" : "asc";
        else { state.key = key; state.dir = th.dataset.type === "number" ? "desc" : "asc"; }
        state.page = 1;
        render();
        writeUrl();
      });
    });
    function refilter() { state.page = 1; render(); writeUrl(); }
    form.addEventListener("input", refilter);
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.addEventListener("reset", function () { setTimeout(refilter, 0); });
    pager = makePager();
    readUrl();
    form.hidden = false;
    table.classList.add("sortable");
    render();
  }

  var source = table.dataset.rows;
  if (!source) {
    adopt(Array.prototype.slice.call(tbody.rows));
    start();
    return;
  }
  // This page lists only some rows: fetch them all (same origin), then take over.
  fetch(source).then(function (response) {
    if (!response.ok) throw new Error("HTTP " + response.status);
    return response.json();
  }).then(function (data) {
    var holder = document.createElement("tbody");
    // Rendered and escaped by the site builder, with links relative to the site root.
    var root = table.dataset.root || "./";
    holder.innerHTML = data.rows.join("").split('href="./').join('href="' + root);
    adopt(Array.prototype.slice.call(holder.rows));
    start();
  }).catch(function (error) {
    console.warn("all rows could not be loaded; showing this page only:", error);
  });
})();
