/* geo/templates/estates/style.js — what the points' colour says. By status (default), by a
   yes/no fact (Okabe–Ito blue and orange, distinct for colour-blind readers, and grey for
   "not given"), or by a number fact (four quantile classes of a viridis ramp, and grey).
   The key (legend) says what is shown and how many of the estates shown are in each class. */
var STATUS_COLORS = { joined: "#1b7837", flagged: "#e08214", rejected: "#b2182b" };
var NONE_COLOR = "#9e9e9e";
var RAMP = ["#fde725", "#35b779", "#31688e", "#440154"];
var styleKey = "status";
/* the upper bounds of a number fact's classes: quartiles of the whole register (made in Python) */
function breaksOf(ef) { return ef.breaks; }
/* the classes of the current style, each {color, label} (the last is "not given" for a fact) */
function styleClasses() {
  if (styleKey === "status") {
    return ["joined", "flagged", "rejected"].map(function (st) { return { color: STATUS_COLORS[st], label: statusName(st) }; });
  }
  var ef = FACT[styleKey];
  if (ef.kind === "yesno") {
    return [{ color: "#0072b2", label: ET.yes }, { color: "#e69f00", label: ET.no }, { color: NONE_COLOR, label: ET.not_given }];
  }
  var br = breaksOf(ef), given = ef.v.filter(function (v) { return v != null; });
  var sf = G ? G.store.facts.filter(function (x) { return x.key === styleKey; })[0] : null;  /* all rows' least value */
  var lo = sf && sf.low.length ? sf.low[0] : given.length ? given.reduce(function (a, b) { return Math.min(a, b); }) : br[0];
  var out = br.map(function (b, k) {
    var a = k ? br[k - 1] : lo;
    return { color: RAMP[br.length === 1 ? RAMP.length - 1 : Math.round(k * (RAMP.length - 1) / (br.length - 1))],
      label: (k === 0 && a === b ? fmtNumber(b) : fill(ET.range, { a: fmtNumber(a), b: fmtNumber(b) })) + (ef.unit ? " " + ef.unit : "") };
  });
  out.push({ color: NONE_COLOR, label: ET.not_given });
  return out;
}
/* the class of point i in the current style */
function classOf(i) {
  if (styleKey === "status") { var s = P.status[i]; return s === "joined" ? 0 : s === "flagged" ? 1 : 2; }
  var ef = FACT[styleKey], v = ef.v[i];
  if (ef.kind === "yesno") { return v == null ? 2 : v ? 0 : 1; }
  var br = breaksOf(ef);
  if (v == null) { return br.length; }
  for (var k = 0; k < br.length; k++) { if (v <= br[k]) { return k; } }
  return br.length - 1;
}
var classColors = [];
function colorOf(i) { return classColors[classOf(i)] || NONE_COLOR; }
/* the key beside the map: the style's title, its classes with their counts among the shown */
var key = el("div", "geo-legend geo-point-key");
key.id = "geo-point-key";
side.insertBefore(key, legend);  /* the estates first, the provinces' legend after them */
function drawKey(counts, shownN, approxN, total, note) {
  while (key.firstChild) { key.removeChild(key.firstChild); }
  var ef = styleKey === "status" ? null : FACT[styleKey];
  el("div", "geo-legend-title", S.points + (ef ? " · " + ef.label : ""), key).setAttribute("dir", "auto");
  styleClasses().forEach(function (c, k) {
    var r = el("div", "geo-legend-row", null, key);
    el("span", "geo-dot", null, r).style.background = c.color;
    el("span", "geo-bin", c.label + (counts ? " (" + num(counts[k] || 0) + ")" : ""), r);
  });
  if (approxN) {
    var ar = el("div", "geo-legend-row", null, key);
    el("span", "geo-dot geo-dot-hollow", null, ar);
    el("span", "geo-bin", fill(ET.approx_legend, { n: num(approxN) }), ar);
  }
  el("div", "geo-legend-note geo-shown-count", fill(ET.shown, { n: num(shownN), total: num(total) }), key);
  if (note) { el("div", "geo-legend-note", note, key); }
  if (T.unplaced) { el("div", "geo-legend-note", fill(ET.unplaced, { n: num(T.unplaced) }), key); }
  if (G) {
    el("div", "geo-legend-note", styleKey === "status" ? S.grid_note : ET.grid_classes, key);
    if (T.shown < T.problems) {
      el("div", "geo-legend-note", fill(S.problems_shown, { shown: num(T.shown), n: num(T.problems) }), key);
    }
  }
}
function setStyle(k) {
  styleKey = k === "status" || (own(FACT, k) && FACT[k].kind !== "text") ? k : "status";
  classColors = styleClasses().map(function (c) { return c.color; });
}
setStyle("status");
