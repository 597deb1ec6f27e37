/* geo/templates/estates/filters.js — the reader's questions: colour by a fact, and filters
   for each fact (yes/no/not given; a number range), status, province and county. The points,
   the key's counts, the table and the download follow together; the state lives in the URL
   fragment beside the map's own (color=f2&where.f0=no&where.f3=10~&where.province=IR-10),
   read as text and kept only where it names this page's own facts, statuses and places. */
var visible = new Uint8Array(NPTS);
var where = Object.create(null);
var onApply = [];
var fbox = el("details", "geo-filters");
side.insertBefore(fbox, legend);
fbox.id = "geo-filters";
el("summary", null, ET.filters, fbox);
var fbody = el("div", "geo-filters-body", null, fbox);
var uid = 0;
function control(label, node, parent) {
  var wrap = el("div", "geo-filter", null, parent || fbody);
  var lab = el("label", "geo-filter-label", label, wrap);
  lab.setAttribute("dir", "auto");
  node.id = "geo-ef-" + (uid++);
  lab.setAttribute("for", node.id);
  wrap.appendChild(node);
  return wrap;
}
function selectOf(options) {
  var s = el("select", "geo-select");
  options.forEach(function (o) { el("option", null, o[1], s).value = o[0]; });
  return s;
}
var styleSelect = selectOf([["status", S.status]].concat(FACTS.filter(function (ef) { return ef.kind !== "text"; })
  .map(function (ef) { return [ef.key, ef.label]; })));
control(ET.style, styleSelect, side).className = "geo-filter geo-style-choice";
side.insertBefore(styleSelect.parentNode, key);
styleSelect.addEventListener("change", function () { setStyle(styleSelect.value); applyFilters(); });
/* the filter controls: each reads its value into `where` (a text, "" for none) */
var inputs = Object.create(null);
function uniq(list) { var seen = Object.create(null); return list.filter(function (x) { if (!x || seen[x]) { return false; } seen[x] = 1; return true; }); }
inputs.status = selectOf([["", ET.any]].concat(uniq(G ? ["joined", "flagged", "rejected"] : P.status).map(function (s) { return [s, statusName(s)]; })));
control(ET.status, inputs.status);
var PLACES = G ? G.store.places : [];
inputs.province = selectOf([["", ET.all_provinces]].concat(uniq(P.province.concat(PLACES.map(function (p) { return p[0]; }))).map(function (c) { return [c, provinceName(c)]; })
  .sort(function (a, b) { return collate(a[1], b[1]); })));
control(ET.province, inputs.province);
inputs.county = selectOf([["", ET.all_counties]].concat(uniq(P.county.concat(PLACES.map(function (p) { return p[1]; }))).map(function (c) { return [c, countyName(c)]; })
  .sort(function (a, b) { return collate(a[1], b[1]); })));
control(ET.county, inputs.county);
var ranges = Object.create(null);
FACTS.forEach(function (ef) {
  if (ef.kind === "yesno") {
    inputs[ef.key] = selectOf([["", ET.any], ["yes", ET.yes], ["no", ET.no], ["none", ET.not_given]]);
    control(ef.label, inputs[ef.key]);
  } else if (ef.kind === "number") {
    var wrap = el("fieldset", "geo-filter geo-range", null, fbody);
    el("legend", "geo-filter-label", ef.label + (ef.unit ? " (" + ef.unit + ")" : ""), wrap).setAttribute("dir", "auto");
    ranges[ef.key] = ["from", "to"].map(function (side2) {
      var inp = el("input", "geo-range-input");
      inp.type = "text"; inp.inputMode = "decimal"; inp.autocomplete = "off"; inp.maxLength = 30;
      control(ET[side2], inp, wrap);
      inp.addEventListener("change", function () { readControls(); applyFilters(); });
      return inp;
    });
  }
});
Object.keys(inputs).forEach(function (k) {
  inputs[k].addEventListener("change", function () { readControls(); applyFilters(); });
});
var clear = el("button", "geo-download geo-clear", ET.clear, fbody);
clear.type = "button";
clear.addEventListener("click", function () { setWhere({}); applyFilters(); });
function readControls() {
  where = Object.create(null);
  Object.keys(inputs).forEach(function (k) { if (inputs[k].value) { where[k] = inputs[k].value; } });
  Object.keys(ranges).forEach(function (k) {
    var a = parseNumber(ranges[k][0].value), b = parseNumber(ranges[k][1].value);
    if (a != null || b != null) { where[k] = (a == null ? "" : String(a)) + "~" + (b == null ? "" : String(b)); }
  });
}
/* a filter kept only when it names this page's own facts and values (else: no filter) */
function validFilter(k, v) {
  if (typeof v !== "string" || v.length > 60) { return false; }
  if (k === "status" || k === "province" || k === "county") { return Array.prototype.some.call(inputs[k].options, function (o) { return o.value && o.value === v; }); }
  if (!own(FACT, k)) { return false; }
  if (FACT[k].kind === "yesno") { return v === "yes" || v === "no" || v === "none"; }
  var m = /^(-?[0-9.e+]*)~(-?[0-9.e+]*)$/.exec(v);
  return FACT[k].kind === "number" && !!m && (m[1] === "" || isFinite(+m[1])) && (m[2] === "" || isFinite(+m[2]));
}
function setWhere(w) {
  where = Object.create(null);
  Object.keys(w).forEach(function (k) { if (validFilter(k, w[k])) { where[k] = w[k]; } });
  Object.keys(inputs).forEach(function (k) { inputs[k].value = own(where, k) ? where[k] : ""; });
  Object.keys(ranges).forEach(function (k) {
    var ab = own(where, k) ? where[k].split("~") : ["", ""];
    ranges[k][0].value = ab[0] === "" ? "" : digits(ab[0]); ranges[k][1].value = ab[1] === "" ? "" : digits(ab[1]);
  });
}
/* which points pass every filter */
function passes(i) {
  for (var k in where) {
    var v = where[k];
    if (k === "status" || k === "province" || k === "county") { if (P[k][i] !== v) { return false; } continue; }
    var x = FACT[k].v[i];
    if (FACT[k].kind === "yesno") {
      if ((v === "none") !== (x == null) || (v === "yes" && x !== 1) || (v === "no" && x !== 0)) { return false; }
    } else {
      var ab = own(rounded, k) ? rounded[k] : v.split("~");
      if (x == null || (ab[0] !== "" && x < +ab[0]) || (ab[1] !== "" && x > +ab[1])) { return false; }
    }
  }
  return true;
}
var live = el("div", "geo-sr", null, side);
live.setAttribute("aria-live", "polite");
function applyFilters(quiet) {
  var counts = [], n = 0, approx = 0;
  if (G) { cellNow = storeCount(); }  /* before the points: it sets the ranges the bins widened */
  for (var i = 0; i < NPTS; i++) {
    var ok = P.ll[i] && passes(i) ? 1 : 0;
    visible[i] = ok;
    if (ok) { n += 1; var c = classOf(i); counts[c] = (counts[c] || 0) + 1; if (P.approx[i]) { approx += 1; } }
  }
  var total = NPTS, note = "";
  if (G) {  /* every drawn row counted from the store (the dots are some of them) */
    counts = cellNow ? cellNow.classes : null; n = cellNow ? cellNow.n : 0; total = G.store.rows;
    approx = cellNow ? cellNow.approx : 0; note = roundedNote();
  }
  drawKey(counts, n, approx, total, note);
  fbox.classList.toggle("geo-filtered", Object.keys(where).length > 0);
  if (!quiet) { live.textContent = fill(ET.shown, { n: num(n), total: num(total) }); }
  onApply.forEach(function (h) { h(); });
  if (drawPoints) { drawPoints(); }
  if (started) { writeState(); }  /* not before map.js has read the URL's fragment */
}
var started = false;
/* the estates shown, with every column the page has, whole (P.full, decoded when asked), as the
   project's CSVs (formula-safe); a line says what the page does not have (the cells' rows above
   the point limit, or the columns cut when the whole ones were too large to carry) */
function estatesCsv() {
  var whole = P.full ? inflate(P.full).then(function (b) { return JSON.parse(new TextDecoder().decode(b)); }) : Promise.resolve(null);
  return whole.then(function (full) {
    var head = ["row", "id", "name", "province", "county", "status", "reasons", "location"].concat(full ? full.header : FACTS.map(function (ef) { return ef.header; }));
    var rows = [head], n = 0;
    for (var i = 0; i < NPTS; i++) {
      if (!visible[i]) { continue; }
      n += 1;
      var own = full ? full.rows[i] : [P.id[i], P.name[i]].concat(FACTS.map(function (ef) {
        var v = ef.v[i];
        return v == null ? "" : ef.kind === "yesno" ? (v ? "true" : "false") : String(v);
      }));
      rows.push([P.row[i] == null ? "" : String(P.row[i]), own[0], own[1], P.province[i], P.county[i], P.status[i],
        P.reasons[i], approxNote(i)].concat(own.slice(2)));
    }
    if (!full) { rows.push([fill(ET.csv_cut, { cap: num(FACTS.length) })]); }
    if (G) { rows.push([fill(ET.csv_cells, { n: num(n), total: num(cellNow ? cellNow.n : 0) })]); }
    return "\ufeff" + rows.map(function (r) { return r.map(csvCell).join(","); }).join("\r\n") + "\r\n";
  });
}
var edl = el("button", "geo-download geo-estates-download", ET.download, tools);
edl.type = "button";
edl.addEventListener("click", function () {
  estatesCsv().then(function (text) {
    var a = document.createElement("a");
    a.href = URL.createObjectURL(new Blob([text], { type: "text/csv;charset=utf-8" }));
    a.download = (D.csv_name || "estates") + "_shown_" + D.lang + ".csv";
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 0);
  });
});
stateHooks.push({
  claims: function (k) { return k === "color" || k.indexOf("where.") === 0; },
  write: function (parts) {
    if (styleKey !== "status") { parts.push("color=" + encodeURIComponent(styleKey)); }
    Object.keys(where).forEach(function (k) { parts.push("where." + encodeURIComponent(k) + "=" + encodeURIComponent(where[k])); });
  },
  apply: function (st) {
    var w = Object.create(null);
    Object.keys(st).forEach(function (k) { if (k.indexOf("where.") === 0) { w[k.slice(6)] = st[k]; } });
    setStyle(own(st, "color") ? st.color : "status");
    styleSelect.value = styleKey;
    setWhere(w);
    if (Object.keys(where).length) { fbox.open = true; }
    applyFilters(true);
  }
});
