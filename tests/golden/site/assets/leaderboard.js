// Sorting, filtering and paging of the leaderboard table. The HTML already lists the
// models in the default order (CO2e, largest first), PAGE rows a page, with every column;
// this script sorts and filters all of them (fetching every row from data/rows.json when
// the page holds only the first PAGE), shows one page at a time and the chosen columns
// (the core ones unless the reader picks others), and keeps the view in the URL.
// A first page opened with no view in its URL already shows the default view: the rows
// are read (and fetched) only when the reader first sorts, filters or turns the page.
(function () {
  "use strict";
  var table = document.getElementById("leaderboard");
  var form = document.getElementById("filters");
  if (!table || !form) return;
  var tbody = table.tBodies[0];
  var headers = Array.prototype.slice.call(table.tHead.rows[0].cells);
  var count = document.getElementById("row-count");
  var pageSize = Number(table.dataset.pageSize) || 50;
  var DEFAULT = { key: "co2e", dir: "desc" };
  var locale = document.documentElement.lang || "en";
  var frame = document.getElementById("table-frame");
  var wrap = document.getElementById("table-wrap");
  var chooser = document.getElementById("columns");
  var boxes = chooser ? Array.prototype.slice.call(chooser.querySelectorAll("input[name=col]")) : [];
  // Every column but the model's can be hidden; those marked data-optional are, at first.
  var CORE = headers.filter(function (th) {
    return th.dataset.key !== "model" && !th.hasAttribute("data-optional");
  }).map(function (th) { return th.dataset.key; });

  // Whole numbers below 1,000 read the same in both of the site's languages: written
  // without Intl, whose first use loads the locale's data (over 100 ms on a slow phone,
  // and every page shows such a count as it opens).
  function wholeNumber(v) {
    return v % 1 === 0 && Math.abs(v) < 1000 ? String(v) : v.toLocaleString(locale);
  }

  // The page's own words, translated at build time: data-msg-* attributes of the table,
  // with {name} placeholders.
  function say(name, values) {
    var text = table.getAttribute("data-msg-" + name) || "";
    return text.replace(/\{(\w+)\}/g, function (whole, key) {
      var v = values[key];
      return typeof v === "number" ? wholeNumber(v) : String(v);
    });
  }
  var state = { key: DEFAULT.key, dir: DEFAULT.dir, page: 1, cols: CORE.slice() };
  var rows = [];       // every row, in the default order
  var keys = [];       // per row: the sort value of each column
  var pager = null;
  var source = table.dataset.rows;
  var pending = null;  // the rows on their way, once asked for
  var adopted = false; // every row in hand (rows, keys)

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
    adopted = true;
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
    if (!order.length) frag.appendChild(emptyRow());
    tbody.replaceChildren(frag);
    headers.forEach(function (th, i) {
      if (i === col) th.setAttribute("aria-sort", state.dir === "asc" ? "ascending" : "descending");
      else th.removeAttribute("aria-sort");
    });
    count.textContent = order.length === rows.length
      ? say("all", { count: rows.length })
      : say("some", { shown: order.length, count: rows.length });
    renderPager(order.length, pages, start);
    announce(order.map(function (i) { return rows[i].dataset.id; }), rows.length);
    soon(edges);
  }

  // Layout is read after the browser has laid the page out, not in the middle of a change.
  function soon(task) {
    if (window.requestAnimationFrame) requestAnimationFrame(function () { task(); });
    else setTimeout(task, 0);
  }

  // What the table says when no row matches, with a way out.
  function emptyRow() {
    var tr = document.createElement("tr");
    tr.className = "empty";
    var td = document.createElement("td");
    td.colSpan = headers.length;
    var p = document.createElement("p");
    p.textContent = say("empty", {});
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = say("clear", {});
    button.addEventListener("click", function () {
      form.reset();
      var search = form.elements.q;
      if (search) search.focus();
    });
    td.append(p, button);
    tr.appendChild(td);
    return tr;
  }

  // The chosen columns: a class on the table hides each other one (see style.css).
  function showColumns() {
    headers.forEach(function (th) {
      var key = th.dataset.key;
      if (key !== "model") table.classList.toggle("hide-" + key, state.cols.indexOf(key) < 0);
    });
    boxes.forEach(function (box) { box.checked = state.cols.indexOf(box.value) >= 0; });
    soon(edges);
  }

  // A shadow on each edge past which the table scrolls sideways.
  function edges() {
    if (!frame || !wrap) return;
    var left = wrap.scrollLeft > 1;
    var right = wrap.scrollLeft + wrap.clientWidth < wrap.scrollWidth - 1;
    frame.classList.toggle("more-left", left);
    frame.classList.toggle("more-right", right);
  }

  // The other language's link keeps the view: the same query and fragment.
  function carryView() {
    var links = document.querySelectorAll(".languages a[hreflang]");
    Array.prototype.forEach.call(links, function (a) {
      var base = a.getAttribute("data-href") || a.getAttribute("href");
      a.setAttribute("data-href", base);
      a.setAttribute("href", base.split(/[?#]/)[0] + location.search + location.hash);
    });
  }

  function sameColumns(a, b) {
    return a.length === b.length && a.every(function (k) { return b.indexOf(k) >= 0; });
  }

  // Tell the page's other parts (the charts) which models the filters keep, in the
  // table's order, across every page.
  function announce(ids, total) {
    document.dispatchEvent(new CustomEvent("leaderboard:view", {
      detail: { ids: ids, total: total }
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
    if (!sameColumns(state.cols, CORE)) params.set("cols", state.cols.join(","));
    var query = params.toString().replace(/%2C/g, ",");
    // the models ticked for comparison are pick.js's to write: kept as they are
    var compare = /(?:^|[?&])(compare=[^&#]*)/.exec(location.search);
    if (compare) query += (query ? "&" : "") + compare[1];
    history.replaceState(null, "", (query ? "?" + query : location.pathname) + location.hash);
    carryView();
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
    if (params.has("cols")) {
      state.cols = String(params.get("cols")).split(",").filter(function (key) {
        return key !== "model" && columnOf(key) >= 0;
      });
    }
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
          withRows(function () {
            render();
            writeUrl();
            table.scrollIntoView({ block: "start" });
          });
        });
      }
      nav.appendChild(el);
    });
    var box = frame || table.closest(".table-wrap");
    var old = box.nextElementSibling;
    if (old && old.classList.contains("pager")) old.remove();  // the static links
    box.after(nav);
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
        else {
          // numbers largest first, text and ranks (data-first="asc") from the top
          state.key = key;
          state.dir = th.dataset.first || (th.dataset.type === "number" ? "desc" : "asc");
        }
        state.page = 1;
        withRows(function () { render(); writeUrl(); });
      });
    });
    function refilter(event) {
      if (event && event.target && event.target.name === "col") return;  // not a filter
      state.page = 1;
      withRows(function () { render(); writeUrl(); });
    }
    form.addEventListener("input", refilter);
    boxes.forEach(function (box) {
      box.addEventListener("change", function () {
        state.cols = boxes.filter(function (b) { return b.checked; })
          .map(function (b) { return b.value; });
        showColumns();
        writeUrl();
      });
    });
    if (chooser) {
      chooser.addEventListener("keydown", function (event) {  // Escape closes the list
        if (event.key !== "Escape" || !chooser.open) return;
        chooser.open = false;
        chooser.querySelector("summary").focus();
      });
    }
    if (wrap) wrap.addEventListener("scroll", edges, { passive: true });
    window.addEventListener("resize", edges);
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.addEventListener("reset", function () {
      setTimeout(function () { showColumns(); refilter(); }, 0);  // columns are not filters
    });
    pager = makePager();
    readUrl();
    form.hidden = false;
    table.classList.add("sortable");
    showColumns();
    if (adopted) render();
    else {
      // The page shows the default view as built: say so, and leave its rows alone.
      var total = Number(table.dataset.total) || tbody.rows.length;
      renderPager(total, Math.max(1, Math.ceil(total / pageSize)), 0);
      announce(allIds(), total);
      soon(edges);
      // A hand nearing the controls fetches every row's text (data/rows.json), so the
      // first change rarely waits for the network; a reader who only looks costs nothing.
      [form, table.tHead, pager].forEach(function (part) {
        ["pointerover", "touchstart", "focusin"].forEach(function (name) {
          part.addEventListener(name, warm, { once: true, passive: true });
        });
      });
    }
    carryView();
  }

  function warm() { withRows(function () {}); }

  // Every model's id in the default order, without reading or fetching the rows.
  function allIds() {
    if (table.dataset.ids) return table.dataset.ids.split(" ");
    return Array.prototype.map.call(tbody.rows, function (row) { return row.dataset.id; });
  }

  // Every row, then `task`: at once when they are in hand, else once they have arrived.
  function withRows(task) {
    if (adopted) { task(); return; }
    if (!pending) pending = loadRows();
    pending.then(function (ok) { if (ok) task(); });
  }

  function loadRows() {
    if (!source) {
      adopt(Array.prototype.slice.call(tbody.rows));
      return Promise.resolve(true);
    }
    return fetchRows().then(function (data) {
      var holder = document.createElement("tbody");
      // Rendered and escaped by the site builder, with links relative to the site root.
      var root = table.dataset.root || "./";
      holder.innerHTML = data.rows.join("").split('href="./').join('href="' + root);
      adopt(Array.prototype.slice.call(holder.rows));
      return true;
    }).catch(function (error) {
      console.warn("all rows could not be loaded; showing this page only:", error);
      pending = null;  // the next change tries again
      fetched = null;
      return false;
    });
  }

  // This page lists only some rows: the text of them all (same origin), fetched once.
  var fetched = null;
  function fetchRows() {
    if (!fetched) {
      fetched = fetch(source).then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        return response.json();
      });
    }
    return fetched;
  }

  // The view the URL asks for, if any beyond the default (the charts' own parameters aside).
  function urlHasView() {
    var params = new URLSearchParams(location.search);
    return ["q", "org", "hw", "domain", "basis", "from", "to", "sort", "dir", "page"]
      .some(function (k) { return params.has(k); });
  }

  // The default view, as built, is on the first page only; any other view needs every row.
  if (table.dataset.page === "1" && !urlHasView()) start();
  else withRows(start);
})();
