/* ---------------------------------------------------------------- change map (geo/templates/change.js) */
/* The estates of a change map (D.changes, "C"): a symbol per kind of change (added: a green
   disc; removed: a hollow red ring at the old point; moved: an arrow from the old point to
   the new one; changed: a blue disc; unchanged: a small grey dot; ambiguous: a dashed ring),
   a card with each changed fact before -> after, and filters by kind and by fact in the side
   panel. Every text is set with textContent. Spliced after map.js on change maps only. */
(function () {
  var C = D.changes;
  if (!C) { return; }
  var KIND = C.kinds.map(function (k) { return k[0]; });
  var STYLE = {
    added: { color: "#ffffff", fillColor: "#1b9e77", fillOpacity: 1, radius: 7, weight: 1.5 },
    removed: { color: "#c62828", fillColor: "#ffffff", fillOpacity: 0.6, radius: 7, weight: 3 },
    moved: { color: "#ffffff", fillColor: "#6a3d9a", fillOpacity: 1, radius: 6, weight: 1.5 },
    changed: { color: "#ffffff", fillColor: "#1f78b4", fillOpacity: 1, radius: 7, weight: 1.5 },
    unchanged: { color: "#ffffff", fillColor: "#8c8c8c", fillOpacity: 0.9, radius: 4, weight: 1 },
    ambiguous: { color: "#d81b60", fillColor: "#ffffff", fillOpacity: 0.7, radius: 7, weight: 2.5, dashArray: "3 3" }
  };
  var renderer = L.svg({ padding: 0.3 });
  var arrows = L.layerGroup().addTo(map), heads = L.layerGroup().addTo(map), group = L.layerGroup().addTo(map);
  var kindOn = {}, fact = -1, markers = [];
  KIND.forEach(function (k) { kindOn[k] = true; });
  function card(i) {
    var box = el("div", "geo-pop-box geo-change-card");
    box.setAttribute("dir", D.dir);
    el("div", "geo-pop-names", C.name[i], box).setAttribute("dir", "auto");
    el("div", "geo-change-kind geo-change-" + KIND[C.k[i]], C.kinds[C.k[i]][1], box);
    if (C.place[i]) { el("div", null, C.place[i], box); }
    if (C.years.length) { el("div", "geo-change-years", fill(S.change_years, { old: C.years[0], new: C.years[1] }), box); }
    if (C.card[i].length) {
      var t = el("table", "geo-change-facts", null, box);
      var h = el("tr", null, null, t);
      el("th", null, "", h); el("th", null, S.change_before, h); el("th", null, S.change_after, h);
      C.card[i].forEach(function (line) {
        var r = el("tr", null, null, t);
        el("th", null, line[0], r).setAttribute("dir", "auto");
        el("td", "geo-change-before", line[1], r).setAttribute("dir", "auto");
        el("td", "geo-change-after", line[2], r).setAttribute("dir", "auto");
      });
    }
    if (C.why[i]) {
      var ul = el("ul", "geo-reasons", null, box);
      C.why[i].split(" | ").forEach(function (r) { el("li", null, r, ul).setAttribute("dir", "auto"); });
    }
    return box;
  }
  /* an arrowhead pointing from a to b, its tip just short of the new point's disc, 11 px long
     at the current zoom (drawn again after each zoom) */
  function head(a, b) {
    var z = map.getZoom(), p = map.project(a, z), q = map.project(b, z);
    var dx = q.x - p.x, dy = q.y - p.y, len = Math.sqrt(dx * dx + dy * dy);
    if (len < 16) { return null; }
    dx /= len; dy /= len;
    var tip = L.point(q.x - 7 * dx, q.y - 7 * dy);
    function side(s) {
      var c = Math.cos(s * 0.45), sn = Math.sin(s * 0.45);
      return map.unproject(L.point(tip.x - 11 * (dx * c - dy * sn), tip.y - 11 * (dy * c + dx * sn)), z);
    }
    return [side(1), map.unproject(tip, z), side(-1)];
  }
  function drawHeads() {
    heads.clearLayers();
    markers.forEach(function (mk) {
      var i = mk.geoIndex;
      if (KIND[C.k[i]] !== "moved" || !C.a[i] || !C.b[i]) { return; }
      var hd = head(C.a[i], C.b[i]);
      if (hd) { L.polyline(hd, { color: "#6a3d9a", weight: 2.5, renderer: renderer, interactive: false }).addTo(heads); }
    });
  }
  function visible(i) {
    return kindOn[KIND[C.k[i]]] && (fact < 0 || C.f[i].indexOf(fact) >= 0);
  }
  function draw() {
    group.clearLayers(); arrows.clearLayers(); markers = [];
    C.k.forEach(function (kk, i) {
      if (!visible(i)) { return; }
      var kind = KIND[kk], at = kind === "removed" ? C.a[i] || C.b[i] : C.b[i] || C.a[i];
      if (!at) { return; }
      if (kind === "moved" && C.a[i] && C.b[i]) {
        L.polyline([C.a[i], C.b[i]], { color: "#6a3d9a", weight: 2.5, opacity: 0.9, renderer: renderer, interactive: false }).addTo(arrows);
        L.circleMarker(C.a[i], { radius: 3, color: "#6a3d9a", weight: 1.5, fillColor: "#ffffff", fillOpacity: 1, renderer: renderer, interactive: false }).addTo(arrows);
      }
      var mk = L.circleMarker(at, L.extend({ renderer: renderer }, STYLE[kind] || STYLE.changed));
      mk.bindPopup(function () { return card(i); }, { maxWidth: 320 });
      mk.addTo(group);
      mk.geoIndex = i;
      markers.push(mk);
    });
    drawHeads();
  }
  /* the side panel: what each symbol means (with the count of each kind drawn), the kinds shown, the fact */
  var key = el("div", "geo-legend geo-change-key", null, side);
  key.id = "geo-change-key";
  el("div", "geo-legend-title", S.change_kinds, key);
  if (C.years.length) { el("div", "geo-legend-sub", fill(S.change_years, { old: C.years[0], new: C.years[1] }), key); }
  var count = {};
  C.k.forEach(function (kk) { count[KIND[kk]] = (count[KIND[kk]] || 0) + 1; });
  C.kinds.forEach(function (k) {
    var row = el("label", "geo-legend-row geo-change-row", null, key);
    var box = el("input", null, null, row);
    box.type = "checkbox"; box.checked = true; box.value = k[0];
    box.addEventListener("change", function () { kindOn[k[0]] = box.checked; draw(); });
    var dot = el("span", "geo-dot geo-change-dot", null, row), st = STYLE[k[0]];
    dot.style.background = st.fillColor; dot.style.borderColor = st.color;
    el("span", "geo-bin", k[1] + " (" + num(count[k[0]] || 0) + ")", row);
  });
  if (C.facts.length) {
    var lab = el("label", "geo-select-label", S.change_fact, key);
    var pick = el("select", "geo-select geo-change-fact", null, lab);
    el("option", null, S.change_any_fact, pick).value = "";
    C.facts.forEach(function (f) { el("option", null, f[1], pick).value = f[0]; });
    pick.addEventListener("change", function () {
      fact = -1;
      C.facts.forEach(function (f, j) { if (f[0] === pick.value) { fact = j; } });
      draw();
    });
  }
  if (C.shown < C.total) { el("div", "geo-legend-note", fill(S.change_shown, { shown: num(C.shown), total: num(C.total) }), key); }
  map.on("zoomend", drawHeads);
  draw();
  layout();
  window.geoChanges = {
    /* the estates drawn now, per kind (for tests) */
    visible: function () {
      var out = {};
      markers.forEach(function (mk) { var k = KIND[C.k[mk.geoIndex]]; out[k] = (out[k] || 0) + 1; });
      return out;
    },
    arrows: function () { return { lines: arrows.getLayers().length, heads: heads.getLayers().length }; },
    open: function (i) {
      for (var m = 0; m < markers.length; m++) {
        if (markers[m].geoIndex === i) { map.setView(markers[m].getLatLng(), Math.max(map.getZoom(), 7)); markers[m].openPopup(); return true; }
      }
      return false;
    },
    index: function (name) { return C.name.indexOf(name); }
  };
})();
