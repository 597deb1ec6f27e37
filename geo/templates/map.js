"use strict";
/* geo: the page's own script. Every text that comes from data is set with textContent
   (never innerHTML); the data block is JSON with <, > and & escaped. */
var D = JSON.parse(document.getElementById("geo-data").textContent);
var S = D.strings;
var RTL = D.dir === "rtl";
var features = D.geojson.features;
var inds = D.indicators;
var current = 0;
var byCode = {};
var pathOf = [];
var container = map.getContainer();
container.classList.add("geo-map", RTL ? "geo-rtl" : "geo-ltr");
/* Leaflet positions panes, tooltips and popups from the left: keep its container
   left-to-right and give every piece of content the page's direction instead. */
container.setAttribute("dir", "ltr");

function el(tag, cls, text, parent) {
  var e = document.createElement(tag);
  if (cls) { e.className = cls; }
  if (text !== undefined && text !== null) { e.textContent = String(text); }
  if (parent) { parent.appendChild(e); }
  return e;
}
function fill(tpl, vals) {
  return tpl.replace(/\{(\w+)\}/g, function (_, k) { return vals[k] == null ? "" : String(vals[k]); });
}
/* a whole number in the page's digits, thousands grouped (any size: ۱۲٬۳۴۵ on a Persian page) */
function num(n) {
  var s = String(Math.round(Math.abs(n))).replace(/\B(?=(\d{3})+(?!\d))/g, D.group);
  return (n < 0 ? "-" : "") + s.replace(/[0-9]/g, function (d) { return D.digits.charAt(+d); });
}
function shield(node) {
  node.setAttribute("dir", D.dir);
  L.DomEvent.disableClickPropagation(node);
  L.DomEvent.disableScrollPropagation(node);
  return node;
}

/* ---------------------------------------------------------------- choropleth */
var NODATA = "url(#geo-nodata)";
function styleOf(i) {
  var ind = inds[current];
  var c = ind ? ind.c[i] : -1;
  return {
    fillColor: c < 0 ? NODATA : ind.colors[c],
    fillOpacity: D.tiles ? 0.78 : 1,
    color: "#ffffff", weight: 1, opacity: 1
  };
}
features.forEach(function (f, i) { f.properties._i = i; byCode[f.properties.code] = i; });
var renderer = L.svg({ padding: 0.3 });
var layer = L.geoJSON(D.geojson, {
  renderer: renderer,
  style: function (f) { return styleOf(f.properties._i); },
  onEachFeature: function (f, l) {
    var i = f.properties._i;
    pathOf[i] = l;
    l.bindTooltip(function () { return tipContent(i); },
      { sticky: true, direction: "top", className: "geo-tip", opacity: 1 });
    l.bindPopup(function () { clearOfPanels(l.getPopup()); return popupContent(i); },
      { maxWidth: 340, minWidth: 220, maxHeight: 340, className: "geo-popup" });
    l.on("mouseover", function () { l.setStyle({ weight: 2.5, color: "#222222" }); l.bringToFront(); });
    l.on("mouseout", function () { l.setStyle({ weight: 1, color: "#ffffff" }); });
  }
}).addTo(map);

/* hatched "no data" pattern, referenced by the fill of provinces without a value */
(function () {
  var svg = renderer._container;
  var NS = "http://www.w3.org/2000/svg"; /* an XML namespace name, never fetched */
  var defs = document.createElementNS(NS, "defs");
  var pat = document.createElementNS(NS, "pattern");
  pat.setAttribute("id", "geo-nodata");
  pat.setAttribute("patternUnits", "userSpaceOnUse");
  pat.setAttribute("width", "7"); pat.setAttribute("height", "7");
  pat.setAttribute("patternTransform", "rotate(45)");
  var bg = document.createElementNS(NS, "rect");
  bg.setAttribute("width", "7"); bg.setAttribute("height", "7"); bg.setAttribute("fill", "#eeeeee");
  var ln = document.createElementNS(NS, "rect");
  ln.setAttribute("width", "2.5"); ln.setAttribute("height", "7"); ln.setAttribute("fill", "#9e9e9e");
  pat.appendChild(bg); pat.appendChild(ln); defs.appendChild(pat);
  svg.insertBefore(defs, svg.firstChild);
})();

function names(p, parent, cls) {
  var box = el("div", cls, null, parent);
  var fa = el("span", "geo-name-fa", p.name_fa);
  fa.setAttribute("lang", "fa"); fa.setAttribute("dir", "rtl");
  var en = el("span", "geo-name-en", p.name_en);
  en.setAttribute("lang", "en"); en.setAttribute("dir", "ltr");
  var first = RTL ? fa : en, second = RTL ? en : fa;
  box.appendChild(first);
  el("span", "geo-sep", " · ", box);
  box.appendChild(second);
  return box;
}
function valueLine(ind, i, parent) {
  var line = el("div", "geo-value", null, parent);
  if (ind.t[i] == null) {
    el("span", "geo-nodata-text", S.no_data, line);
  } else {
    el("strong", null, ind.t[i], line);
    if (ind.unit) { el("span", null, " " + ind.unit, line); }
  }
  if (ind.year) { el("span", "geo-year", " (" + ind.year + ")", line); }
  return line;
}
function indicatorBlock(ind, i, parent, labelCls) {
  el("div", labelCls, ind.label, parent);
  valueLine(ind, i, parent);
  if (ind.r[i] != null) { el("div", "geo-rank", fill(S.rank, { r: num(ind.r[i]), n: num(D.n) }), parent); }
}
function contentBox(i, kind) {
  var box = el("div", "geo-" + kind + "-box");
  box.setAttribute("dir", D.dir);
  names(features[i].properties, box, "geo-" + kind + "-names");
  return box;
}
function tipContent(i) {
  var box = contentBox(i, "tip");
  if (inds[current]) { indicatorBlock(inds[current], i, box, "geo-tip-label"); }
  return box;
}
function popupContent(i) {
  var box = contentBox(i, "pop");
  inds.forEach(function (ind) {
    var item = el("div", "geo-pop-ind", null, box);
    indicatorBlock(ind, i, item, "geo-pop-label");
    if (ind.s[i] != null) { el("div", "geo-share", fill(S.share, { s: ind.s[i] }), item); }
    el("div", "geo-source", S.source + ": " + ind.source, item);
  });
  return box;
}

/* ---------------------------------------------------------------- panels */
var head = shield(el("div", "geo-panel geo-head", null, container));
el("h1", null, S.title, head);
if (S.subtitle) { el("p", null, S.subtitle, head); }

var side = shield(el("div", "geo-panel geo-side", null, container));
var legend;
if (inds.length) {
  var lab = el("label", "geo-select-label", S.indicator, side);
  var select = el("select", "geo-select", null, lab);
  select.id = "geo-select";
  inds.forEach(function (ind, k) {
    var o = el("option", null, ind.label, select);
    o.value = ind.id;
    if (k === current) { o.selected = true; }
  });
  select.addEventListener("change", function () { setIndicator(select.value); });
  legend = el("div", "geo-legend", null, side);
  legend.id = "geo-legend";
}
function drawLegend() {
  if (!legend) { return; }
  while (legend.firstChild) { legend.removeChild(legend.firstChild); }
  var ind = inds[current];
  var t = el("div", "geo-legend-title", ind.label, legend);
  t.title = ind.label;
  var sub = [ind.unit, ind.year].filter(Boolean).join(" · ");
  if (sub) { el("div", "geo-legend-sub", sub, legend); }
  var rows = el("div", "geo-legend-rows", null, legend);
  ind.bins.forEach(function (b, k) {
    var r = el("div", "geo-legend-row", null, rows);
    el("span", "geo-swatch", null, r).style.background = ind.colors[k];
    el("span", "geo-bin", b, r);
  });
  var nd = el("div", "geo-legend-row", null, rows);
  el("span", "geo-swatch geo-swatch-nodata", null, nd);
  el("span", "geo-bin", S.no_data, nd);
  el("div", "geo-legend-note", ind.classes, legend);
  if (ind.total) { el("div", "geo-legend-note", fill(S.total, { t: ind.total + (ind.unit ? " " + ind.unit : "") }), legend); }
  el("div", "geo-legend-note", S.source + ": " + ind.source, legend);
  el("div", "geo-legend-hint", S.click, legend);
}
function setIndicator(id) {
  for (var k = 0; k < inds.length; k++) {
    if (inds[k].id === id) { current = k; }
  }
  if (select && select.value !== id) { select.value = id; }
  layer.setStyle(function (f) { return styleOf(f.properties._i); });
  drawLegend();
}
drawLegend();

var national = null;
if (D.facts && D.facts.length) {
  national = shield(el("details", "geo-panel geo-national", null, container));
  national.id = "geo-national";
  el("summary", null, S.national, national);
  var body = el("div", "geo-national-body", null, national);
  el("p", "geo-note", S.national_note, body);
  var list = el("ul", "geo-facts", null, body);
  D.facts.forEach(function (f) {
    var li = el("li", "geo-fact", null, list);
    li.setAttribute("data-id", f.id);
    el("div", "geo-fact-label", f.label, li);
    var grid = el("div", f.pair ? "geo-pair" : "geo-single", null, li);
    var a = el("div", "geo-fig", null, grid);
    if (f.pair) { el("div", "geo-fig-cap", S.pair_1396, a); }
    el("strong", "geo-fig-value", f.value, a);
    var unit = f.unit || (f.pair ? f.pair.unit : "");
    if (unit) { el("span", "geo-fig-unit", " " + unit, a); }
    if (f.pair) {
      var b = el("div", "geo-fig geo-fig-1392", null, grid);
      el("div", "geo-fig-cap", S.pair_1392, b);
      el("strong", "geo-fig-value", f.pair.value, b);
      if (f.pair.unit) { el("span", "geo-fig-unit", " " + f.pair.unit, b); }
      b.title = f.pair.label + " — " + f.pair.source;
    }
    var src = el("details", "geo-src", null, li);
    el("summary", null, S.phrase, src);
    var q = el("q", null, f.phrase, src);
    q.setAttribute("lang", "fa"); q.setAttribute("dir", "rtl");
    if (f.pair) { el("div", "geo-src-pair", S.source + " (" + f.pair.year + "): " + f.pair.source, src); }
  });
  if (window.matchMedia && window.matchMedia("(min-width: 701px)").matches) { national.open = true; }
}

map.attributionControl.addAttribution(D.attribution);
/* the credits read in the page's direction (Persian credits in an LTR box are scrambled) */
map.attributionControl.getContainer().setAttribute("dir", D.dir);
L.control.zoom({ position: RTL ? "bottomright" : "bottomleft" }).addTo(map);


/* ---------------------------------------------------------------- points (register) */
var pointGroup = null, drawPoints = null;
if (D.points) {
  var P = D.points, T = D.tally, G = D.grid;
  var COLORS = { joined: "#1b7837", flagged: "#e08214", rejected: "#b2182b" };
  var pointPopup = function (i) {
    var box = el("div", "geo-pop-box");
    box.setAttribute("dir", D.dir);
    el("div", "geo-pop-names", P.name[i], box);
    el("div", null, S.status + ": " + (S["status_" + P.status[i]] || P.status[i]), box);
    if (P.province[i]) { el("div", null, S.province + ": " + provinceName(P.province[i]), box); }
    if (P.reasons[i]) {
      /* one line per reason, each in its own direction (reasons may be English in a
         Persian page): a long reason wraps inside the popup */
      el("div", "geo-pop-label", S.reasons + ":", box);
      var ul = el("ul", "geo-reasons", null, box);
      P.reasons[i].split(/;\s+/).forEach(function (r) {
        if (r) { el("li", null, r, ul).setAttribute("dir", "auto"); }
      });
    }
    return box;
  };
  /* what the colours mean, with the count of each status (every row, drawn or not) */
  var key = el("div", "geo-legend geo-point-key", null, side);
  key.id = "geo-point-key";
  el("div", "geo-legend-title", S.points, key);
  ["joined", "flagged", "rejected"].forEach(function (st) {
    var r = el("div", "geo-legend-row", null, key);
    el("span", "geo-dot", null, r).style.background = COLORS[st];
    el("span", "geo-bin", (S["status_" + st] || st) + " (" + num(T[st]) + ")", r);
  });
  if (T.unplaced) { el("div", "geo-legend-note", fill(S.unplaced, { n: num(T.unplaced) }), key); }
  if (G) {
    el("div", "geo-legend-note", S.grid_note, key);
    if (T.shown < T.problems) {
      el("div", "geo-legend-note", fill(S.problems_shown, { shown: num(T.shown), n: num(T.problems) }), key);
    }
  }
  /* Clusters and dots are drawn on one canvas above the provinces (a few thousand DOM
     markers would make every zoom slow): a cluster is its count on a white disc inside a
     ring of its statuses' shares; a click on it zooms in, on a dot opens its popup. */
  var FONT = "bold 11px 'Noto Sans Arabic Embedded', sans-serif";
  var items = [], drawn = { clusters: 0, dots: 0 };
  var pane = map.createPane("geoPoints");
  pane.style.zIndex = 450;
  var cv = L.DomUtil.create("canvas", "geo-points-canvas leaflet-zoom-hide", pane), ctx = cv.getContext("2d");
  var radiusOf = function (n) { return n ? Math.round(14 + Math.min(10, Math.log(n) * 1.6)) : (G ? 4 : 5); };
  var ring = function (q, it, rad) {
    var n = it.j + it.f + it.r, start = -Math.PI / 2;
    [[it.j, COLORS.joined], [it.f, COLORS.flagged], [it.r, COLORS.rejected]].forEach(function (part) {
      if (!part[0]) { return; }
      var end = start + 2 * Math.PI * part[0] / n;
      ctx.beginPath(); ctx.moveTo(q.x, q.y); ctx.arc(q.x, q.y, rad, start, end); ctx.closePath();
      ctx.fillStyle = part[1]; ctx.fill();
      start = end;
    });
    ctx.beginPath(); ctx.arc(q.x, q.y, rad * 0.64, 0, 2 * Math.PI); ctx.fillStyle = "#ffffff"; ctx.fill();
    ctx.fillStyle = "#222222"; ctx.fillText(num(n), q.x, q.y + 0.5);
  };
  var paint = function () {
    var size = map.getSize(), ratio = window.devicePixelRatio || 1;
    L.DomUtil.setPosition(cv, map.containerPointToLayerPoint([0, 0]));
    cv.width = size.x * ratio; cv.height = size.y * ratio;
    cv.style.width = size.x + "px"; cv.style.height = size.y + "px";
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.font = FONT; ctx.textAlign = "center"; ctx.textBaseline = "middle"; ctx.lineWidth = 1;
    drawn = { clusters: 0, dots: 0 };
    items.forEach(function (it) {
      var q = map.latLngToContainerPoint(it.ll);
      it.q = q;
      if (it.i !== undefined) {
        ctx.beginPath(); ctx.arc(q.x, q.y, it.rad, 0, 2 * Math.PI);
        ctx.fillStyle = COLORS[P.status[it.i]] || "#555555"; ctx.fill();
        ctx.strokeStyle = "#ffffff"; ctx.stroke();
        drawn.dots += 1;
      } else {
        ring(q, it, it.rad);
        ctx.beginPath(); ctx.arc(q.x, q.y, it.rad, 0, 2 * Math.PI); ctx.strokeStyle = "rgba(0,0,0,0.35)"; ctx.stroke();
        drawn.clusters += 1;
      }
    });
  };
  var hit = function (point) {
    for (var k = items.length - 1; k >= 0; k--) {  /* the last drawn is on top */
      var it = items[k];
      if (it.q && point.distanceTo(it.q) <= it.rad + 2) { return it; }
    }
    return null;
  };
  var dotItem = function (i) { return { ll: P.ll[i], i: i, rad: radiusOf(0) }; };
  var clusterItem = function (ll, j, f, r, zoomTo) {
    return { ll: ll, j: j, f: f, r: r, rad: radiusOf(j + f + r), zoomTo: zoomTo };
  };
  var CELL = 48;
  /* up to the size limit: every point in view, near ones grouped on the screen's own grid */
  var recluster = function () {
    var z = map.getZoom(), view = map.getBounds().pad(0.1), cells = {}, keys = [], dots = [], groups = [];
    P.ll.forEach(function (ll, i) {
      if (!ll || !view.contains(ll)) { return; }
      var q = map.project(ll, z);
      var k = Math.floor(q.x / CELL) + ":" + Math.floor(q.y / CELL);
      if (!cells[k]) { cells[k] = []; keys.push(k); }
      cells[k].push(i);
    });
    keys.forEach(function (k) {
      var members = cells[k];
      if (members.length === 1 || z >= map.getMaxZoom()) {
        members.forEach(function (i) { dots.push(dotItem(i)); });
        return;
      }
      var lat = 0, lng = 0, c = { joined: 0, flagged: 0, rejected: 0 };
      members.forEach(function (i) { lat += P.ll[i][0]; lng += P.ll[i][1]; c[P.status[i]] = (c[P.status[i]] || 0) + 1; });
      groups.push(clusterItem([lat / members.length, lng / members.length], c.joined, c.flagged, c.rejected, function () {
        map.fitBounds(L.latLngBounds(members.map(function (i) { return P.ll[i]; })), { padding: [40, 40], maxZoom: z + 3 });
      }));
    });
    items = dots.concat(groups);
    paint();
  };
  /* above it: the flagged and rejected rows as dots, under the cells of this zoom's grid level in view */
  var problemDots = [];
  if (G) { P.ll.forEach(function (ll, i) { if (ll) { problemDots.push(dotItem(i)); } }); }
  var regrid = function () {
    var z = map.getZoom(), level = Math.min(Math.max(Math.floor(z), G.zmin), G.zmax);
    var lv = G.levels[level - G.zmin], view = map.getBounds().pad(0.1), groups = [];
    lv.lat.forEach(function (lat, k) {
      var ll = [lat, lv.lon[k]];
      if (!view.contains(ll)) { return; }
      groups.push(clusterItem(ll, lv.j[k], lv.f[k], lv.r[k], function () { map.setView(ll, Math.min(z + 2, map.getMaxZoom())); }));
    });
    var dots = problemDots.filter(function (it) { return view.contains(it.ll); });
    /* zoomed in past the finest level, the rows come out on top of the counts (they are few in view) */
    items = z > G.zmax ? groups.concat(dots) : dots.concat(groups);
    paint();
  };
  /* the canvas lets events through; a click or hover on a point is taken here first (capture
     phase), so that the province under it neither opens its popup nor lights up */
  var tip = L.tooltip({ direction: "top", className: "geo-tip geo-point-tip", opacity: 1 });
  var onMap = function (e) { return e.target === container || map.getPane("mapPane").contains(e.target); };
  container.addEventListener("click", function (e) {
    var it = onMap(e) ? hit(map.mouseEventToContainerPoint(e)) : null;
    if (!it) { return; }
    e.stopPropagation();
    if (it.i === undefined) { it.zoomTo(); return; }
    var popup = L.popup({ maxWidth: 320, minWidth: 200, maxHeight: 300, className: "geo-popup" }).setLatLng(it.ll);
    clearOfPanels(popup);
    popup.setContent(pointPopup(it.i)).openOn(map);
  }, true);
  container.addEventListener("mouseover", function (e) {  /* no province tooltip over a point */
    if (onMap(e) && hit(map.mouseEventToContainerPoint(e))) { e.stopPropagation(); }
  }, true);
  container.addEventListener("mousemove", function (e) {
    var it = onMap(e) ? hit(map.mouseEventToContainerPoint(e)) : null;
    container.classList.toggle("geo-on-point", !!it);
    if (it) { e.stopPropagation(); }
    if (it && it.i === undefined) {
      var text = fill(S.estates_n, { n: num(it.j + it.f + it.r) }) + ": " + fill(S.mix, { j: num(it.j), f: num(it.f), r: num(it.r) });
      tip.setLatLng(it.ll).setContent(el("div", null, text));
      if (!map.hasLayer(tip)) { tip.addTo(map); }
    } else if (map.hasLayer(tip)) { map.removeLayer(tip); }
  }, true);
  drawPoints = G ? regrid : recluster;
  map.on("moveend resize", drawPoints);
  if (document.fonts && document.fonts.ready) { document.fonts.ready.then(paint); }
  pointGroup = {
    drawn: function () { return drawn; },
    /* what was drawn, where (container pixels), with its counts: for tests */
    items: function () {
      return items.filter(function (it) { return it.q; }).map(function (it) {
        return it.i === undefined ? { x: it.q.x, y: it.q.y, j: it.j, f: it.f, r: it.r } : { x: it.q.x, y: it.q.y, row: P.row[it.i] };
      });
    }
  };
}

/* ---------------------------------------------------------------- view */
/* a province's names in the page's language (the code when it is not a province) */
function provinceName(code) {
  var f = features[byCode[code]];
  if (!f) { return code; }
  var p = f.properties, a = RTL ? p.name_fa : p.name_en, b = RTL ? p.name_en : p.name_fa;
  return (a || b || code) + (a && b ? " (" + b + ")" : "");
}
/* the padding (top-left and bottom-right, in pixels) that keeps a view clear of the panels */
function panelPadding() {
  var narrow = container.clientWidth <= 700;
  var hh = head.offsetHeight + 8;
  if (narrow) {
    return [[8, hh + side.offsetHeight + 8], [8, national ? national.offsetHeight + 36 : 24]];
  }
  var sw = side.offsetWidth + 18, nw = national ? national.offsetWidth + 18 : 10;
  return [[RTL ? nw : sw, hh + 4], [RTL ? sw : nw, 20]];
}
/* a popup about to open pans the map so that it is not under the title and side panels
   (they sit above the map's popup pane); called as its content is made, before the pan */
function clearOfPanels(popup) {
  var pad = panelPadding();
  popup.options.autoPanPaddingTopLeft = L.point(pad[0][0], pad[0][1] + 4);
  popup.options.autoPanPaddingBottomRight = L.point(pad[1][0], pad[1][1] + 4);
}
function layout() {
  /* panels start below the title, whatever its height (it wraps on a phone) */
  var top = head.offsetTop + head.offsetHeight + 6;
  side.style.top = top + "px";
  if (national && container.clientWidth > 700) { national.style.top = top + "px"; }
  else if (national) { national.style.top = ""; }
}
function fit() {
  var pad = panelPadding();
  map.fitBounds(layer.getBounds(), { paddingTopLeft: pad[0], paddingBottomRight: pad[1], animate: false });
}
layout();
fit();
window.addEventListener("resize", function () { layout(); });
/* the embedded font may finish decoding after the first layout: place the panels again */
if (document.fonts && document.fonts.ready) { document.fonts.ready.then(function () { layout(); }); }
if (drawPoints) { drawPoints(); }

window.geoMap = {
  map: map,
  layer: layer,
  indicators: inds.map(function (x) { return x.id; }),
  current: function () { return inds[current] ? inds[current].id : null; },
  setIndicator: setIndicator,
  fit: fit,
  /* container pixel of a province's representative point (for tests) */
  point: function (code) {
    var p = features[byCode[code]].properties.pt;
    var q = map.latLngToContainerPoint(L.latLng(p[0], p[1]));
    var r = container.getBoundingClientRect();
    return { x: q.x + r.left, y: q.y + r.top };
  },
  paths: function () { return pathOf.filter(function (l) { return l && l._path && l._path.isConnected; }).length; },
  fills: function () { return pathOf.map(function (l) { return l._path.getAttribute("fill"); }); },
  /* how many clusters and single points the register layer drew last (for tests) */
  drawn: function () { return pointGroup ? pointGroup.drawn() : { clusters: 0, dots: 0 }; },
  items: function () { return pointGroup ? pointGroup.items() : []; }
};
