/* geo/templates/estates/format.js — the register layer's shared data and how a value reads.
   The estates/*.js files and register.js are assembled, in the order of
   geo/maps/_assets.py ESTATE_MODULES, at map.js's @register@ marker on register maps only.
   Every text placed here is set with textContent (el), never parsed as HTML. */
var P = D.points, T = D.tally, G = D.grid, ET = P.texts, FACTS = P.facts;
var FACT = Object.create(null);
FACTS.forEach(function (ef) { FACT[ef.key] = ef; });
var NPTS = P.ll.length;
/* a number in the page's digits: thousands grouped, up to two decimals (۱٬۲۵۰ / 12.5) */
function fmtNumber(v) {
  var a = Math.abs(v), whole = Math.floor(a), frac = Math.round((a - whole) * 100);
  if (frac === 100) { whole += 1; frac = 0; }
  var s = num(whole);
  if (frac) { s += P.decimal + digits(String(100 + frac).slice(1).replace(/0$/, "")); }
  return (v < 0 ? "-" : "") + s;
}
/* a fact's value of point i as a reader reads it: yes/no words, numbers with their unit */
function fmtFact(ef, i) {
  var v = ef.v[i];
  if (v == null || v === "") { return ET.not_given; }
  if (ef.kind === "yesno") { return v ? ET.yes : ET.no; }
  if (ef.kind === "number") { return fmtNumber(v) + (ef.unit ? " " + ef.unit : ""); }
  return String(v);
}
/* a county's names, both languages, the page's first */
function countyNames(code) {
  var n = own(P.counties, code) ? P.counties[code] : null;
  return n ? (RTL ? [n[0], n[1]] : [n[1], n[0]]) : [code || "", ""];
}
function provinceNames(code) {
  var p = own(byCode, code) ? features[byCode[code]].properties : null;
  return p ? (RTL ? [p.name_fa, p.name_en] : [p.name_en, p.name_fa]) : [code || "", ""];
}
function countyName(code) { var n = countyNames(code); return n[0] || n[1]; }
/* two names in a node: the page's language, then the other, each isolated in its own direction */
function bothNames(n, parent) {
  el("bdi", null, n[0] || n[1], parent);
  if (n[0] && n[1]) { parent.appendChild(document.createTextNode(" ")); el("bdi", "geo-name-en", "(" + n[1] + ")", parent); }
  return parent;
}
function statusName(st) { return S["status_" + st] || st; }
/* "location approximate: county of …" for a point drawn at its county's or province's point */
function approxNote(i) {
  if (P.approx[i] === 1) { return fill(ET.approx_county, { name: countyName(P.county[i]) }); }
  if (P.approx[i] === 2) { return fill(ET.approx_province, { name: provinceNames(P.province[i])[0] }); }
  return "";
}
/* a number typed in either language's digits (۱۲٫۵, 1,250) → a number, or null */
function parseNumber(text) {
  var s = String(text || "").replace(/[\u06f0-\u06f9]/g, function (c) { return String(c.charCodeAt(0) - 0x06f0); })
    .replace(/[\u0660-\u0669]/g, function (c) { return String(c.charCodeAt(0) - 0x0660); })
    .replace(/[\u066b]/g, ".").replace(/[\u066c,\s]/g, "");
  if (!/^-?(\d+\.?\d*|\.\d+)$/.test(s)) { return null; }
  return parseFloat(s);
}
