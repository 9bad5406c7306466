// Sorting and filtering of the leaderboard table. The table is complete in the HTML,
// in its default order (CO2e, largest first); this script only reorders and hides rows,
// and keeps the view in the URL so it can be shared.
(function () {
  "use strict";
  var table = document.getElementById("leaderboard");
  var form = document.getElementById("filters");
  if (!table || !form) return;
  var tbody = table.tBodies[0];
  var rows = Array.prototype.slice.call(tbody.rows);
  var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
  var count = document.getElementById("row-count");
  var DEFAULT = { key: "co2e", dir: "desc" };
  var state = { key: DEFAULT.key, dir: DEFAULT.dir };

  rows.forEach(function (row, i) { row.dataset.index = String(i); });

  function cellValue(row, col) {
    var cell = row.cells[col];
    var raw = cell.getAttribute("data-value");
    if (raw !== null) return raw === "" ? null : Number(raw);
    var text = cell.textContent.trim();
    return text === "—" || text === "" ? null : text.toLowerCase();
  }

  function columnOf(key) {
    for (var i = 0; i < headers.length; i++) if (headers[i].dataset.key === key) return i;
    return -1;
  }

  function sortRows() {
    var col = columnOf(state.key);
    if (col < 0) { state.key = DEFAULT.key; state.dir = DEFAULT.dir; col = columnOf(state.key); }
    var numeric = headers[col].dataset.type === "number";
    var sign = state.dir === "asc" ? 1 : -1;
    var sorted = rows.slice().sort(function (a, b) {
      var x = cellValue(a, col), y = cellValue(b, col);
      if (x === null && y === null) return a.dataset.index - b.dataset.index;
      if (x === null) return 1;  // unknown values last, whichever the direction
      if (y === null) return -1;
      var c = numeric ? x - y : (x < y ? -1 : x > y ? 1 : 0);
      return c !== 0 ? sign * c : a.dataset.index - b.dataset.index;
    });
    var frag = document.createDocumentFragment();
    sorted.forEach(function (row) { frag.appendChild(row); });
    tbody.appendChild(frag);
    headers.forEach(function (th, i) {
      if (i === col) th.setAttribute("aria-sort", state.dir === "asc" ? "ascending" : "descending");
      else th.removeAttribute("aria-sort");
    });
  }

  function filters() {
    var data = new FormData(form);
    return {
      q: String(data.get("q") || "").trim().toLowerCase(),
      org: String(data.get("org") || ""),
      hw: String(data.get("hw") || ""),
      domain: String(data.get("domain") || ""),
      from: String(data.get("from") || ""),
      to: String(data.get("to") || "")
    };
  }

  function applyFilters() {
    var f = filters();
    var from = f.from ? Number(f.from) : -Infinity;
    var to = f.to ? Number(f.to) : Infinity;
    var shown = 0;
    rows.forEach(function (row) {
      var year = row.dataset.year ? Number(row.dataset.year) : null;
      var ok = (!f.q || row.dataset.search.indexOf(f.q) !== -1) &&
        (!f.org || row.dataset.org === f.org) &&
        (!f.hw || row.dataset.hw === f.hw) &&
        (!f.domain || row.dataset.domain === f.domain) &&
        ((from === -Infinity && to === Infinity) || (year !== null && year >= from && year <= to));
      row.hidden = !ok;
      if (ok) shown++;
    });
    count.textContent = shown === rows.length
      ? "Showing all " + rows.length + " models"
      : "Showing " + shown + " of " + rows.length + " models";
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
    var query = params.toString();
    history.replaceState(null, "", query ? "?" + query : location.pathname);
  }

  function readUrl() {
    var params = new URLSearchParams(location.search);
    ["q", "org", "hw", "domain", "from", "to"].forEach(function (k) {
      var el = form.elements[k];
      if (el && params.has(k)) el.value = params.get(k);
    });
    if (params.has("sort") && columnOf(params.get("sort")) >= 0) {
      state.key = params.get("sort");
      state.dir = params.get("dir") === "asc" ? "asc" : "desc";
    }
  }

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
      sortRows();
      writeUrl();
    });
  });

  form.addEventListener("input", function () { applyFilters(); writeUrl(); });
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  form.addEventListener("reset", function () {
    setTimeout(function () { applyFilters(); writeUrl(); }, 0);
  });

  readUrl();
  form.hidden = false;
  table.classList.add("sortable");
  sortRows();
  applyFilters();
})();
