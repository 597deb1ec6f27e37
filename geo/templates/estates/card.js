/* geo/templates/estates/card.js — an estate's card: the popup of a point and of a table row.
   Name, id, county and province (both languages), status, every register column the page
   carries with its label and unit (geo/maps/estate_facts.py: labels from the vocabulary,
   unknown headers as written, shortened), a flagged row's reasons, and the cap when it cuts. */
function estateCard(i) {
  var box = el("div", "geo-pop-box geo-card");
  box.setAttribute("dir", D.dir);
  el("div", "geo-pop-names", P.name[i] || ET.not_given, box).setAttribute("dir", "auto");
  var note = approxNote(i);
  if (note) { el("div", "geo-card-approx", note, box); }
  var dl = el("dl", "geo-card-facts", null, box);
  var line = function (label, value, cls) {
    var row = el("div", "geo-card-row" + (cls ? " " + cls : ""), null, dl);
    el("dt", null, label, row).setAttribute("dir", "auto");
    if (Array.isArray(value)) { bothNames(value, el("dd", null, null, row)); return; }
    el("dd", null, value, row).setAttribute("dir", "auto");
  };
  if (P.id[i]) { line(ET.id, /^[0-9]+$/.test(P.id[i]) ? digits(P.id[i]) : P.id[i]); }  /* a number id in the page's digits */
  if (P.row[i] != null) { line(ET.row, num(P.row[i])); }
  if (P.county[i]) { line(ET.county, countyNames(P.county[i])); }
  if (P.province[i]) { line(ET.province, provinceNames(P.province[i])); }
  line(ET.status, statusName(P.status[i]), "geo-card-status");
  FACTS.forEach(function (ef) {
    line(ef.label, fmtFact(ef, i), ef.v[i] == null || ef.v[i] === "" ? "geo-card-none" : null);
  });
  if (P.cut) { el("p", "geo-legend-note", fill(ET.cut, { n: num(P.cut), cap: num(FACTS.length) }), box); }
  if (P.reasons[i]) {
    /* one line per reason, each in its own direction (reasons may be English in a Persian page) */
    el("div", "geo-pop-label", S.reasons + ":", box);
    var ul = el("ul", "geo-reasons", null, box);
    P.reasons[i].split(/;\s+|؛\s+/).forEach(function (r) {
      if (r) { el("li", null, r, ul).setAttribute("dir", "auto"); }
    });
  }
  return box;
}
