/* geo/templates/estates/cells.js — above the page's point limit: every drawn row is in the
   column store (G.store, geo/maps/cell_store.py: per row a status, a place and a one-byte code
   per yes/no or number fact, in the order of the finest level's cells), decoded once
   (DecompressionStream, offline) and counted in one pass for the style and filters set: the
   cells of every level, the key, the provinces' choropleth and the national total, exactly.
   A number range is taken to the edges of the fact's bins (the key says so when that
   widens it). */
var ST = null, cellNow = null, rounded = Object.create(null);
var STATUS_KEYS = ["joined", "flagged", "rejected"];
function inflate(text) {
  if (!text) { return Promise.resolve(null); }
  var bin = atob(text), bytes = new Uint8Array(bin.length);
  for (var k = 0; k < bin.length; k++) { bytes[k] = bin.charCodeAt(k); }
  return new Response(new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate"))).arrayBuffer();
}
rowsReady = !G ? null : Promise.all([G.store.cells, G.store.status, G.store.place]
  .concat(G.store.facts.map(function (sf) { return sf.codes; }), G.levels.map(function (lv) { return lv.up; })).map(inflate))
  .then(function (b) {
    var nf = G.store.facts.length, codes = Object.create(null);
    G.store.facts.forEach(function (sf, k) { codes[sf.key] = new Uint8Array(b[3 + k]); });
    ST = { cells: new Uint32Array(b[0]), status: new Uint8Array(b[1]), place: new Uint16Array(b[2]), codes: codes,
      up: b.slice(3 + nf).map(function (x) { return x ? new Int32Array(x) : null; }), fact: Object.create(null) };
    G.store.facts.forEach(function (sf) { ST.fact[sf.key] = sf; });
    applyFilters(true);
  });
/* which codes of a fact pass its filter (a Uint8Array of 256), and the range it was taken to */
function codeFilter(sf, v) {
  var ok = new Uint8Array(256);
  if (sf.kind === "yesno") { ok[{ yes: 0, no: 1, none: 2 }[v]] = 1; return ok; }
  var ab = v.split("~"), a = ab[0] === "" ? -Infinity : +ab[0], b = ab[1] === "" ? Infinity : +ab[1], lo = null, hi = null, wide = false;
  sf.edges.forEach(function (e, k) {
    if (e < a || sf.low[k] > b) { return; }
    ok[k] = 1;
    if (sf.low[k] < a || e > b) { wide = true; }
    if (lo === null) { lo = sf.low[k]; }
    hi = e;
  });
  if (wide) { rounded[sf.key] = [lo, hi]; }
  return ok;
}
/* each code's class in the current style */
function styleCodes() {
  var lut = new Uint8Array(256);
  if (styleKey === "status" || !own(ST.fact, styleKey)) {
    for (var s = 0; s < 8; s++) { lut[s] = s & 3; }
    return { codes: ST.status, lut: lut };
  }
  var sf = ST.fact[styleKey], br = FACT[styleKey].breaks;
  if (sf.kind === "yesno") { lut[0] = 0; lut[1] = 1; lut[2] = 2; } else {
    sf.edges.forEach(function (e, k) { var c = 0; while (c < br.length - 1 && e > br[c]) { c += 1; } lut[k] = c; });
    lut[sf.edges.length] = br.length;
  }
  return { codes: ST.codes[styleKey], lut: lut };
}
/* one pass over the store: the counts of the rows that pass every filter, per finest cell
   (by class and by status), per place, per class; then each coarser level from the finer */
function storeCount() {
  rounded = Object.create(null);
  if (!ST) { return null; }
  var places = G.store.places, stOK = new Uint8Array(8), plOK = new Uint8Array(places.length), checks = [];
  for (var s = 0; s < 8; s++) { stOK[s] = !own(where, "status") || STATUS_KEYS[s & 3] === where.status ? 1 : 0; }
  places.forEach(function (p, k) {
    plOK[k] = (!own(where, "province") || p[0] === where.province) && (!own(where, "county") || p[1] === where.county) ? 1 : 0;
  });
  Object.keys(where).forEach(function (k) { if (own(ST.fact, k)) { checks.push([ST.codes[k], codeFilter(ST.fact[k], where[k])]); } });
  var sc = styleCodes(), nc = classColors.length, cells = ST.cells, nf = cells.length, st = ST.status, pl = ST.place;
  var cc = new Int32Array(nf * nc), ss = new Int32Array(nf * 3), pc = new Int32Array(places.length), classes = [];
  var n = 0, approx = 0, r = 0, nk = checks.length;
  for (var c = 0; c < nf; c++) {
    var end = r + cells[c];
    rows: for (; r < end; r++) {
      var sv = st[r], pv = pl[r];
      if (!stOK[sv] || !plOK[pv]) { continue; }
      for (var q = 0; q < nk; q++) { if (!checks[q][1][checks[q][0][r]]) { continue rows; } }
      var cl = sc.lut[sc.codes[r]];
      cc[c * nc + cl] += 1; ss[c * 3 + (sv & 3)] += 1; pc[pv] += 1;
      classes[cl] = (classes[cl] || 0) + 1;
      n += 1; if (sv & 4) { approx += 1; }
    }
  }
  var levels = [];
  levels[G.levels.length - 1] = { cc: cc, ss: ss };
  for (var l = G.levels.length - 1; l > 0; l--) {
    var up = ST.up[l], m = G.levels[l - 1].lat.length, fine = levels[l], cc2 = new Int32Array(m * nc), ss2 = new Int32Array(m * 3);
    for (var k = 0; k < up.length; k++) {
      var p = up[k];
      for (var q2 = 0; q2 < nc; q2++) { cc2[p * nc + q2] += fine.cc[k * nc + q2]; }
      ss2[p * 3] += fine.ss[k * 3]; ss2[p * 3 + 1] += fine.ss[k * 3 + 1]; ss2[p * 3 + 2] += fine.ss[k * 3 + 2];
    }
    levels[l - 1] = { cc: cc2, ss: ss2 };
  }
  return { levels: levels, n: n, approx: approx, classes: classes, places: pc, nc: nc };
}
/* the rows shown per province (the choropleth): from the store's places */
function storeProvinces(byProvince) {
  G.store.places.forEach(function (p, k) { if (cellNow && cellNow.places[k] && own(byCode, p[0])) { byProvince[byCode[p[0]]] += cellNow.places[k]; } });
}
/* the key's note on the ranges the bins widened */
function roundedNote() {
  return Object.keys(rounded).map(function (k) {
    return fill(ET.range_rounded, { name: FACT[k].label, a: fmtNumber(rounded[k][0]), b: fmtNumber(rounded[k][1]) });
  }).join(" ");
}
