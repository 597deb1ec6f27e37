/* geo/templates/estates/choropleth.js — the provinces coloured by the estates shown: an
   indicator of the page's own ("_estates_shown", in the indicator menu and the fragment),
   counted from the points that pass the filters, so that the choropleth, its legend, its
   national total, the province popups and "Download data (CSV)" follow the filters with the
   points (above the point limit: from the column store, estates/cells.js). */
var shownInd = null;
if (inds.length && select) {
  var SHOWN_COLORS = ["#fef0d9", "#fdcc8a", "#fc8d59", "#d7301f", "#7f0000"];
  shownInd = { id: "_estates_shown", label: ET.choropleth, unit: "", year: "", source: inds[0].source, scheme: "",
    classes: ET.choropleth_classes, total: null, colors: [], bins: [], c: [], t: [], r: [], s: [],
    order: inds.length, year_sh: "", borders: null, v: [] };
  inds.push(shownInd);
  el("option", null, shownInd.label, select).value = shownInd.id;
  var countShown = function () {
    var n = features.map(function () { return 0; }), sum = 0;
    if (G) { storeProvinces(n); } else {
      for (var i = 0; i < NPTS; i++) {
        if (visible[i] && own(byCode, P.province[i])) { n[byCode[P.province[i]]] += 1; }
      }
    }
    n.forEach(function (x) { sum += x; });
    /* classes: none, then the quartiles of the provinces with estates shown */
    var pos = n.filter(function (x) { return x > 0; }).sort(function (a, b) { return a - b; }), br = [];
    for (var q = 1; q <= 4 && pos.length; q++) {
      var b = pos[Math.min(pos.length - 1, Math.ceil(pos.length * q / 4) - 1)];
      if (!br.length || b > br[br.length - 1]) { br.push(b); }
    }
    shownInd.bins = [num(0)].concat(br.map(function (b, k) {
      var a = k ? br[k - 1] + 1 : 1;
      return a === b ? num(b) : fill(ET.range, { a: num(a), b: num(b) });
    }));
    shownInd.colors = SHOWN_COLORS.slice(0, shownInd.bins.length);
    var order = n.map(function (x, i) { return i; }).sort(function (a, b) { return n[b] - n[a]; });
    order.forEach(function (i, k) { shownInd.r[i] = k && n[order[k - 1]] === n[i] ? shownInd.r[order[k - 1]] : k + 1; });
    n.forEach(function (x, i) {
      var c = 0;
      while (c < br.length - 1 && x > br[c]) { c += 1; }
      shownInd.c[i] = x ? c + 1 : 0;
      shownInd.t[i] = num(x); shownInd.v[i] = x; shownInd.s[i] = null;
      features[i].properties[shownInd.id] = x;
    });
    shownInd.total = num(sum);
    if (inds[current] === shownInd) {
      layer.setStyle(function (f) { return styleOf(f.properties._i); });
      drawLegend();
      nameProvinces();
    }
  };
  onApply.push(countShown);
}
