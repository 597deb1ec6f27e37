/* geo/templates/estates/table.js — the estates shown, as a table beside the map: name,
   county, province, the fact the points are coloured by, status. Sortable (a button in
   each column head, aria-sort), searchable with the map's own folding (fold(), the tables
   of geo/maps/search.py), paged (PAGE rows), operable from the keyboard (a row's name is a
   button: Enter opens the estate's card on the map), its counts announced (aria-live). */
var PAGE = 50;
var tpanel = panel("section", "geo-table-panel", false);
tpanel.setAttribute("aria-label", ET.table);
var tdet = el("details", "geo-table-details", null, tpanel);
var tsum = el("summary", null, ET.table, tdet);
var tsearch = el("input", "geo-search-input geo-table-search");
tsearch.type = "search"; tsearch.maxLength = 200; tsearch.autocomplete = "off"; tsearch.placeholder = ET.table_search + "…";
control(ET.table_search, tsearch, tdet).className = "geo-filter geo-table-find";
var tstatus = el("div", "geo-table-status", null, tdet);
tstatus.setAttribute("role", "status");
tstatus.setAttribute("aria-live", "polite");
var twrap = el("div", "geo-table-wrap", null, tdet);
var tbl = el("table", "geo-table", null, twrap);
var thead = el("thead", null, null, tbl), tbody = el("tbody", null, null, tbl);
var pager = el("div", "geo-table-pager", null, tdet);
var prevB = el("button", "geo-download", ET.prev, pager), pageLabel = el("span", null, "", pager), nextB = el("button", "geo-download", ET.next, pager);
prevB.type = nextB.type = "button";
var sortCol = "name", sortDir = 1, pageNo = 0, listed = [], folded = null;
function tableColumns() {
  var cols = [{ id: "name", label: ET.name }, { id: "county", label: ET.county }, { id: "province", label: ET.province }];
  if (styleKey !== "status") { cols.push({ id: styleKey, label: FACT[styleKey].label }); }
  cols.push({ id: "status", label: ET.status });
  return cols;
}
function cellText(col, i) {
  if (col === "name") { return P.name[i] || ET.not_given; }
  if (col === "county") { return P.county[i] ? countyName(P.county[i]) : ""; }
  if (col === "province") { return P.province[i] ? provinceNames(P.province[i])[0] : ""; }
  if (col === "status") { return statusName(P.status[i]); }
  return fmtFact(FACT[col], i);
}
function sortValue(col, i) {
  if (own(FACT, col)) { var v = FACT[col].v[i]; return v == null ? null : v; }
  return cellText(col, i);
}
function compareRows(a, b) {
  var x = sortValue(sortCol, a), y = sortValue(sortCol, b);
  if (x == null || y == null) { return x == null && y == null ? a - b : x == null ? 1 : -1; }  /* not given: last */
  var d = typeof x === "number" ? x - y : collate(String(x), String(y));
  return (d || a - b) * sortDir;
}
function relist() {
  if (!folded && FOLD) { folded = P.name.map(function (n, i) { return fold(n + " " + P.id[i]); }); }
  var q = tsearch.value.trim() && FOLD ? fold(tsearch.value.slice(0, 200)) : "";
  listed = [];
  for (var i = 0; i < NPTS; i++) { if (visible[i] && (!q || folded[i].indexOf(q) >= 0)) { listed.push(i); } }
  listed.sort(compareRows);
  var pages = Math.max(1, Math.ceil(listed.length / PAGE));
  pageNo = Math.min(pageNo, pages - 1);
  drawTable(pages);
}
function drawTable(pages) {
  while (thead.firstChild) { thead.removeChild(thead.firstChild); }
  while (tbody.firstChild) { tbody.removeChild(tbody.firstChild); }
  var hr = el("tr", null, null, thead), cols = tableColumns();
  cols.forEach(function (c) {
    var th = el("th", null, null, hr);
    th.setAttribute("scope", "col");
    th.setAttribute("aria-sort", c.id === sortCol ? (sortDir > 0 ? "ascending" : "descending") : "none");
    var b = el("button", "geo-sort", c.label + (c.id === sortCol ? (sortDir > 0 ? " ▲" : " ▼") : ""), th);
    b.type = "button";
    b.setAttribute("dir", "auto");
    b.addEventListener("click", function () {
      sortDir = c.id === sortCol ? -sortDir : 1; sortCol = c.id; relist();
      var again = thead.querySelectorAll("button")[cols.indexOf(c)];
      if (again) { again.focus(); }
    });
  });
  listed.slice(pageNo * PAGE, pageNo * PAGE + PAGE).forEach(function (i) {
    var tr = el("tr", P.approx[i] ? "geo-row-approx" : null, null, tbody);
    cols.forEach(function (c, k) {
      var td = el(k ? "td" : "th", null, null, tr);
      if (k === 0) {
        td.setAttribute("scope", "row");
        var b = el("button", "geo-row-open", cellText(c.id, i), td);
        b.type = "button"; b.setAttribute("dir", "auto");
        b.title = ET.open;
        b.addEventListener("click", function () { openEstate(i, true); });
        if (P.approx[i]) { el("span", "geo-row-note", approxNote(i), td); }
      } else {
        td.textContent = cellText(c.id, i);
        td.setAttribute("dir", "auto");
      }
    });
  });
  tsum.textContent = ET.table + " (" + num(listed.length) + ")";
  var text = fill(ET.rows, { n: num(listed.length), p: num(pageNo + 1), pages: num(pages) });
  pageLabel.textContent = fill(ET.page, { p: num(pageNo + 1), n: num(pages) });
  if (tstatus.textContent !== text) { tstatus.textContent = text; }
  prevB.disabled = pageNo === 0; nextB.disabled = pageNo >= pages - 1;
}
prevB.addEventListener("click", function () { pageNo = Math.max(0, pageNo - 1); relist(); });
nextB.addEventListener("click", function () { pageNo += 1; relist(); });
tsearch.addEventListener("input", function () { pageNo = 0; relist(); });
tdet.addEventListener("toggle", function () { if (tdet.open) { relist(); } });
onApply.push(function () { pageNo = 0; if (tdet.open) { relist(); } else { tsum.textContent = ET.table; } });
