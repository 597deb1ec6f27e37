"use strict";
/* geo: the page's own script. Every text that comes from data is set with textContent
   (never innerHTML); the data block is JSON with <, > and & escaped. Text typed by the
   reader (the search box) or carried by the URL (its #fragment) is data too: it is only
   compared with the page's own names, codes and ids, never inserted into the page. */
var D = JSON.parse(document.getElementById("geo-data").textContent);
var S = D.strings;
var RTL = D.dir === "rtl";
var features = D.geojson.features;
/* packed polygons (integers in units of 10^-decimals degrees, each ring's pairs after the
   first as differences from the one before) to GeoJSON; the provinces are unpacked here,
   the counties when they are decoded */
function unpackPolygons(packed, decimals) {
  var scale = Math.pow(10, decimals);
  return { type: "MultiPolygon", coordinates: packed.map(function (poly) {
    return poly.map(function (ring) {
      var out = [], x = 0, y = 0;
      for (var k = 0; k < ring.length; k += 2) { x += ring[k]; y += ring[k + 1]; out.push([x / scale, y / scale]); }
      return out;
    });
  }) };
}
features.forEach(function (feature) { feature.geometry = unpackPolygons(feature.geometry, D.geojson.decimals); });
var inds = D.indicators;
/* where the printed table behind a layer does not add up: notes by layer and by province */
var Q = D.quality;
function notes(ids) { return (ids || []).map(function (k) { return Q.notes[k]; }); }
var current = 0;
var byCode = Object.create(null);
var pathOf = [];
var container = map.getContainer();
container.classList.add("geo-map", RTL ? "geo-rtl" : "geo-ltr");
/* Leaflet positions panes, tooltips and popups from the left: keep its container
   left-to-right and give every piece of content the page's direction instead. */
container.setAttribute("dir", "ltr");
/* the whole page is the map: its main landmark, named */
container.setAttribute("role", "main");
container.setAttribute("aria-label", S.map_label);
var mapPane = map.getPane("mapPane");

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
function own(obj, key) { return obj != null && Object.prototype.hasOwnProperty.call(obj, key); }
/* a text's Latin digits in the page's digits (Persian on a Persian page) */
function digits(text) {
  return String(text).replace(/[0-9]/g, function (d) { return D.digits.charAt(+d); });
}
/* a whole number in the page's digits, thousands grouped (any size: ۱۲٬۳۴۵ on a Persian page) */
function num(n) {
  return (n < 0 ? "-" : "") + digits(String(Math.round(Math.abs(n))).replace(/\B(?=(\d{3})+(?!\d))/g, D.group));
}
function shield(node) {
  node.setAttribute("dir", D.dir);
  L.DomEvent.disableClickPropagation(node);
  L.DomEvent.disableScrollPropagation(node);
  return node;
}
/* a panel over the map; those made with `first` come before the map in the keyboard order */
function panel(tag, cls, first) {
  var node = shield(el(tag, "geo-panel " + cls));
  if (first) { container.insertBefore(node, mapPane); } else { container.appendChild(node); }
  return node;
}
function placeName(p) { return (RTL ? p.name_fa || p.name_en : p.name_en || p.name_fa) || p.code; }

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
/* the provinces are drawn, and reached with Tab, in the alphabetical order of their names:
   letters in the order of the page's alphabet (S.alphabet), a space before any letter
   (an Intl.Collator would do it too, but making one costs a page some 20 ms) */
function collate(a, b) {
  function rank(s, k) {
    var c = s.charAt(k), r = S.alphabet.indexOf(c);
    return r >= 0 ? r : c === " " || c === "\u200c" ? -1 : 1000 + s.charCodeAt(k);
  }
  a = a.toLowerCase(); b = b.toLowerCase();
  for (var k = 0; k < a.length && k < b.length; k++) {
    var d = rank(a, k) - rank(b, k);
    if (d) { return d; }
  }
  return a.length - b.length;
}
var drawOrder = features.map(function (f, i) { return i; }).sort(function (a, b) {
  return collate(placeName(features[a].properties), placeName(features[b].properties));
});
var renderer = L.svg({ padding: 0.3 });
var layer = L.geoJSON({ type: "FeatureCollection", features: drawOrder.map(function (i) { return features[i]; }) }, {
  renderer: renderer,
  style: function (f) { return styleOf(f.properties._i); },
  onEachFeature: function (f, l) {
    var i = f.properties._i;
    pathOf[i] = l;
    bindTip(l, function () { return tipContent(i); });
    l.bindPopup(function () { clearOfPanels(l.getPopup()); return popupContent(i); },
      { maxWidth: 340, minWidth: 220, maxHeight: 340, className: "geo-popup" });
    l.on("mouseover", function () { highlight("hover", i); });
    l.on("mouseout", function () { highlight("hover", -1); });
    l.on("popupopen", function (e) {
      selected = i; picked = { level: "province", i: i };
      popupOpened(e.popup, l); highlight("focus", i); writeState();
    });
    l.on("popupclose", function () {
      if (selected === i) { selected = -1; picked = null; highlight("focus", focused); writeState(); }
    });
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
/* where the printed table behind indicator k does not add up for this province, if it does not */
function provinceNote(k, i) {
  var by = own(Q.places, inds[k].id) ? Q.places[inds[k].id] : null, code = features[i].properties.code;
  return own(by, code) ? notes(by[code]).join("; ") : null;
}
function popupContent(i) {
  var box = contentBox(i, "pop");
  inds.forEach(function (ind, k) {
    var item = el("div", "geo-pop-ind", null, box);
    indicatorBlock(ind, i, item, "geo-pop-label");
    if (ind.s[i] != null) { el("div", "geo-share", fill(S.share, { s: ind.s[i] }), item); }
    var note = provinceNote(k, i);
    if (note) { el("div", "geo-quality-note", note, item); }
    sourceLines(ind, item);
  });
  return box;
}
/* an indicator's source, and the caption on the boundaries its figures were counted in */
function sourceLines(ind, parent) {
  el("div", "geo-source", S.source + ": " + ind.source, parent);
  if (ind.borders) { el("div", "geo-source geo-borders", S.borders + ": " + ind.borders, parent); }
}

/* ---------------------------------------------------------------- panels */
var head = panel("div", "geo-head", true);
var headText = el("div", "geo-head-text", null, head);
el("h1", null, S.title, headText);
if (S.subtitle) { el("p", null, S.subtitle, headText); }
var langLink = null;
if (D.alt && D.alt.href) {
  /* the same map in the other language, opened on the same indicator and province */
  langLink = el("a", "geo-lang", D.alt.label, head);
  langLink.href = D.alt.href;
  langLink.setAttribute("hreflang", D.alt.lang);
  langLink.setAttribute("lang", D.alt.lang);
  langLink.setAttribute("dir", D.alt.lang === "fa" ? "rtl" : "ltr");
  langLink.title = D.alt.title;
}

var side = panel("div", "geo-side", true);
var legend, select, levelSelect = null;
if (inds.length) {
  var lab = el("label", "geo-select-label", S.indicator, side);
  select = el("select", "geo-select", null, lab);
  select.id = "geo-select";
  inds.forEach(function (ind, k) {
    var o = el("option", null, ind.label, select);
    o.value = ind.id;
    if (k === current) { o.selected = true; }
  });
  select.addEventListener("change", function () { setIndicator(select.value); });
}
if (D.counties) {
  /* provinces or counties: the county level is decoded when first asked for */
  var lvLab = el("label", "geo-select-label geo-level-label", S.show, side);
  levelSelect = el("select", "geo-select", null, lvLab);
  levelSelect.id = "geo-level";
  ["province", "county"].forEach(function (lv) { el("option", null, S["show_" + lv], levelSelect).value = lv; });
  levelSelect.addEventListener("change", function () { setLevel(levelSelect.value); });
}
var tools = el("div", "geo-tools", null, side);
legend = inds.length ? el("div", "geo-legend", null, side) : null;
if (legend) { legend.id = "geo-legend"; }

function drawLegend() {
  if (!legend) { return; }
  while (legend.firstChild) { legend.removeChild(legend.firstChild); }
  var mine = shown === "county" ? countyInd() : null;
  var ind = mine || inds[current];
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
  if (own(Q.legend, ind.id)) {
    /* the printed table does not add up: say where, with both numbers (never "fixed") */
    var q = el("div", "geo-quality", null, legend);
    el("div", "geo-quality-title", S.quality, q);
    var ul = el("ul", null, null, q);
    notes(Q.legend[ind.id]).forEach(function (text) { el("li", null, text, ul); });
  }
  if (ind.borders) { el("div", "geo-legend-note geo-borders", S.borders + ": " + ind.borders, legend); }
  if (shown === "county") { el("div", "geo-legend-note", fill(mine ? S.county_own : S.county_note, { n: num(K.code.length) }), legend); }
  el("div", "geo-legend-hint", shown === "county" ? S.click_county : S.click, legend);
}
function setIndicator(id) {
  for (var k = 0; k < inds.length; k++) {
    if (inds[k].id === id) { current = k; }
  }
  if (select && select.value !== inds[current].id) { select.value = inds[current].id; }
  layer.setStyle(function (f) { return styleOf(f.properties._i); });
  if (countyLayer) { countyLayer.setStyle(function (f) { return countyStyle(f.properties._j); }); }
  drawLegend();
  nameProvinces();
  writeState();
}

var national = null;
if (D.facts && D.facts.length) {
  national = panel("details", "geo-national", false);
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
  national.addEventListener("toggle", function () { layout(); });
}

map.attributionControl.addAttribution(D.attribution);
/* the credits read in the page's direction (Persian credits in an LTR box are scrambled);
   they sit in the bottom corner the map controls leave free */
map.attributionControl.setPosition(RTL ? "bottomleft" : "bottomright");
map.attributionControl.getContainer().setAttribute("dir", D.dir);


/* ---------------------------------------------------------------- county level */
/* The counties travel packed in a second element (D.counties: zlib "deflate", base64) and
   are decoded only when the reader asks for them (the level switch, the search box, a
   #fragment naming a county). K is the decoded CountyData. */
var shown = "province", K = null, countyLayer = null, outlineLayer = null, countyOf = [], loading = null;
function unpack(id) {
  var text = document.getElementById(id).textContent, bin = atob(text), bytes = new Uint8Array(bin.length);
  for (var k = 0; k < bin.length; k++) { bytes[k] = bin.charCodeAt(k); }
  var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate"));
  return new Response(stream).text().then(function (t) { return JSON.parse(t); });
}
/* the county layer of an indicator (the current one), when the page has figures per county */
function countyInd(id) {
  if (id === undefined) { id = inds[current] ? inds[current].id : null; }
  var found = null;
  if (K) { K.indicators.forEach(function (ind) { if (ind.id === id) { found = ind; } }); }
  return found;
}
function countyStyle(j) {
  var mine = countyInd(), ind = mine || inds[current];
  var c = !ind ? -1 : mine ? mine.c[j] : ind.c[K.province[j]];
  return { fillColor: c < 0 ? NODATA : ind.colors[c], fillOpacity: D.tiles ? 0.78 : 1,
    color: "#ffffff", weight: 0.6, opacity: 1 };
}
function countyProps(j) { return { code: K.code[j], name_fa: K.name_fa[j], name_en: K.name_en[j] }; }
function countyBox(j, kind) {
  var box = el("div", "geo-" + kind + "-box");
  box.setAttribute("dir", D.dir);
  names(countyProps(j), box, "geo-" + kind + "-names");
  el("div", "geo-county-of", S.province + ": " + provinceName(features[K.province[j]].properties.code), box);
  return box;
}
/* one indicator for county j: its own figure, or its province's, said to be the province's */
function countyFigure(ind, j, parent, labelCls) {
  var mine = countyInd(ind.id);
  el("div", labelCls, ind.label, parent);
  if (mine) {
    valueLine(mine, j, parent);
    if (mine.r[j] != null) { el("div", "geo-rank", fill(S.rank, { r: num(mine.r[j]), n: num(K.code.length) }), parent); }
  } else {
    valueLine(ind, K.province[j], parent);
    el("div", "geo-rank", S.whole_province, parent);
  }
}
function countyTip(j) {
  var box = countyBox(j, "tip");
  if (inds[current]) { countyFigure(inds[current], j, box, "geo-tip-label"); }
  return box;
}
function countyPopup(j) {
  var box = countyBox(j, "pop");
  inds.forEach(function (ind) {
    var item = el("div", "geo-pop-ind", null, box);
    countyFigure(ind, j, item, "geo-pop-label");
    sourceLines(ind, item);
  });
  return box;
}
function buildCounties(data) {
  K = data;
  var feats = K.code.map(function (code, j) {
    return { type: "Feature", properties: { _j: j }, geometry: unpackPolygons(K.polygons[j], K.decimals) };
  });
  countyLayer = L.geoJSON({ type: "FeatureCollection", features: feats }, {
    renderer: renderer,
    style: function (f) { return countyStyle(f.properties._j); },
    onEachFeature: function (f, l) {
      var j = f.properties._j;
      countyOf[j] = l;
      bindTip(l, function () { return countyTip(j); });
      l.bindPopup(function () { clearOfPanels(l.getPopup()); return countyPopup(j); },
        { maxWidth: 340, minWidth: 220, maxHeight: 340, className: "geo-popup" });
      l.on("mouseover", function () { l.setStyle({ weight: 2, color: "#222222" }); l.bringToFront(); outlineLayer.bringToFront(); });
      l.on("mouseout", function () { l.setStyle({ weight: 0.6, color: "#ffffff" }); });
      l.on("popupopen", function () { picked = { level: "county", i: j }; writeState(); });
      l.on("popupclose", function () {
        if (picked && picked.level === "county" && picked.i === j) { picked = null; writeState(); }
      });
    }
  });
  var outlines = K.outline.map(function (packed) { return { type: "Feature", properties: {}, geometry: unpackPolygons(packed, K.decimals) }; });
  outlineLayer = L.geoJSON({ type: "FeatureCollection", features: outlines }, {
    renderer: renderer, interactive: false,
    style: function () { return { fill: false, color: "#444444", weight: 1.4, opacity: 1 }; }
  });
  /* the search, the URL and the tests find counties by the same keys as provinces */
  var codes = Object.create(null);
  K.code.forEach(function (code, j) { codes[code] = j; });
  LEVELS.county = {
    id: "county",
    keys: K.search.map(function (k) { return k.split(" "); }),
    codes: codes,
    code: function (j) { return K.code[j]; },
    props: countyProps,
    open: function (j) { setLevel("county").then(function () { showCounty(j); }); }
  };
}
function loadCounties() {
  if (!D.counties) { return Promise.reject(new Error("no county level")); }
  if (!loading) {
    loading = unpack(D.counties.block).then(buildCounties);
    loading.catch(function () { loading = null; });
  }
  return loading;
}
/* draw one level (the counties must be loaded for "county") */
function showLevel(lv) {
  if (lv === "county" && K && shown !== "county") {
    map.removeLayer(layer);
    countyLayer.addTo(map);
    outlineLayer.addTo(map);
  } else if (lv !== "county" && shown === "county") {
    map.removeLayer(countyLayer);
    map.removeLayer(outlineLayer);
    layer.addTo(map);
  }
  shown = lv === "county" && K ? "county" : "province";
  if (countyLayer) { countyLayer.setStyle(function (f) { return countyStyle(f.properties._j); }); }
  if (levelSelect) { levelSelect.value = shown; }
  drawLegend();
  writeState();
  return shown;
}
/* switch the level shown: "province" or "county" (a promise: the counties load on first use) */
function setLevel(lv) {
  if (lv !== "county" || !D.counties) { return Promise.resolve(showLevel("province")); }
  if (legend && !K) { el("div", "geo-legend-note geo-loading", S.loading, legend); }
  return loadCounties().then(function () { return showLevel("county"); }, function () {
    showLevel("province");
    if (legend) { el("div", "geo-legend-note", S.no_counties, legend); }
    return shown;
  });
}
function showCounty(j) {
  var pad = panelPadding(), l = countyOf[j];
  map.fitBounds(l.getBounds(), { paddingTopLeft: pad[0], paddingBottomRight: pad[1], maxZoom: 8, animate: false });
  l.openPopup(L.latLng(K.pt[j][0], K.pt[j][1]));
}


/* ---------------------------------------------------------------- points (register) */
var pointGroup = null, drawPoints = null, rowsReady = null;  /* rowsReady: estates/cells.js */
/* what the register layer keeps in the URL fragment beside this script's own state: each
   hook has claims(key), write(parts) and apply(state) (geo/templates/estates/filters.js) */
var stateHooks = [];
/* @register@ (geo/templates/register.js, on pages with points) */

/* ---------------------------------------------------------------- view */
/* a province's names in the page's language (the code when it is not a province) */
function provinceName(code) {
  var f = own(byCode, code) ? features[byCode[code]] : null;
  if (!f) { return code; }
  var p = f.properties, a = RTL ? p.name_fa : p.name_en, b = RTL ? p.name_en : p.name_fa;
  return (a || b || code) + (a && b ? " (" + b + ")" : "");
}
function narrow() { return container.clientWidth <= 700; }
/* the padding (top-left and bottom-right, in pixels) that keeps a view clear of the panels */
function panelPadding() {
  var hh = head.offsetHeight + 8;
  if (narrow()) {
    return [[8, hh + side.offsetHeight + 8], [8, national ? national.offsetHeight + 36 : 24]];
  }
  var sw = side.offsetWidth + 18, nw = national && national.offsetWidth ? national.offsetWidth + 18 : 10;
  return [[RTL ? nw : sw, hh + 4], [RTL ? sw : nw, 20]];
}
/* a popup about to open pans the map so that it is not under the title and side panels
   (they sit above the map's popup pane), and is never larger than the room between them;
   called as its content is made, before the pan */
function clearOfPanels(popup) {
  var pad = panelPadding();
  popup.options.autoPanPaddingTopLeft = L.point(pad[0][0], pad[0][1] + 4);
  popup.options.autoPanPaddingBottomRight = L.point(pad[1][0], pad[1][1] + 4);
  var room = container.clientHeight - pad[0][1] - pad[1][1] - 60;
  popup.options.maxHeight = Math.max(120, Math.min(340, room));
  /* (the popup's frame adds some 50 px to the width of its content) */
  popup.options.maxWidth = Math.max(160, Math.min(340, container.clientWidth - pad[0][0] - pad[1][0] - 60));
  popup.options.minWidth = Math.min(220, popup.options.maxWidth);
}
/* a place's sticky tooltip: above the pointer, or below it where above would put it under
   the page's header (the handler is registered before the tooltip's, so that it runs first) */
function bindTip(l, content) {
  l.on("mouseover mousemove", function (e) {
    var tip = l.getTooltip(), el = tip && tip.getElement();
    if (!tip) { return; }
    var room = e.containerPoint.y - (head.offsetTop + head.offsetHeight);
    tip.options.direction = room < (el && el.offsetHeight ? el.offsetHeight : 60) + 16 ? "bottom" : "top";
  });
  l.bindTooltip(content, { sticky: true, direction: "top", className: "geo-tip", opacity: 1 });
}
var zoomCorner = null;
function layout() {
  /* every size is read first, then every position written: one layout of the page, not one
     per panel (it is the slow part of opening the page) */
  var top = head.offsetTop + head.offsetHeight + 6, phone = narrow(), height = container.clientHeight;
  var credits = map.attributionControl.getContainer().offsetHeight;
  var nationalHeight = national ? national.offsetHeight : 0;
  var cornerHeight = zoomCorner ? zoomCorner.offsetHeight : 0;
  /* panels start below the title, whatever its height (it wraps on a phone) */
  side.style.top = top + "px";
  /* on a wide screen the side panel ends above the map controls below it */
  side.style.maxHeight = phone ? "" : Math.max(160, height - top - cornerHeight - 14) + "px";
  if (national) {
    /* on a phone the national panel lies along the bottom, above the credits (two or three
       lines there), and the map controls stand above it */
    national.style.top = phone ? "" : top + "px";
    national.style.bottom = phone ? credits + 6 + "px" : "";
  }
  if (zoomCorner) { zoomCorner.style.bottom = phone && national ? credits + 6 + nationalHeight + 2 + "px" : ""; }
}
function fit() {
  var pad = panelPadding();
  map.fitBounds(layer.getBounds(), { paddingTopLeft: pad[0], paddingBottomRight: pad[1], animate: false });
}

/* ---------------------------------------------------------------- reader: map controls */
/* zoom buttons, "whole country" and a metric scale bar, together in the corner opposite the
   side panel, with their words in the page's language. Leaflet stacks a bottom corner
   upwards: added last is drawn (and reached with Tab) first. */
var corner = RTL ? "bottomright" : "bottomleft";
var scale = L.control.scale({ position: corner, metric: true, imperial: false, maxWidth: 120 });
/* Leaflet writes "200 km" as HTML; here it is text, in the page's digits and words */
scale._updateScale = function (bar, text, ratio) {
  bar.style.width = Math.round(this.options.maxWidth * ratio) + "px";
  var m = /^([0-9.]+) (k?m)$/.exec(text);
  bar.textContent = m ? digits(m[1]) + " " + (m[2] === "km" ? S.km : S.m) : text;
  bar.setAttribute("data-metres", m ? String(+m[1] * (m[2] === "km" ? 1000 : 1)) : "");
};
scale.addTo(map);
scale.getContainer().setAttribute("dir", D.dir);
var Home = L.Control.extend({
  options: { position: corner },
  onAdd: function () {
    var bar = L.DomUtil.create("div", "leaflet-bar geo-home-bar");
    var b = el("button", "geo-home", null, bar);
    b.type = "button";
    b.title = S.home;
    b.setAttribute("aria-label", S.home);
    var NS = "http://www.w3.org/2000/svg"; /* an XML namespace name, never fetched */
    var svg = document.createElementNS(NS, "svg");
    svg.setAttribute("viewBox", "0 0 20 20"); svg.setAttribute("width", "18"); svg.setAttribute("height", "18");
    svg.setAttribute("aria-hidden", "true"); svg.setAttribute("focusable", "false");
    var d = document.createElementNS(NS, "path");
    d.setAttribute("d", "M2 7V2h5M13 2h5v5M18 13v5h-5M7 18H2v-5M6 10h8M10 6v8");
    d.setAttribute("fill", "none"); d.setAttribute("stroke", "currentColor"); d.setAttribute("stroke-width", "2");
    svg.appendChild(d); b.appendChild(svg);
    L.DomEvent.disableClickPropagation(bar);
    L.DomEvent.on(b, "click", function () { map.closePopup(); fit(); });
    return bar;
  }
});
new Home().addTo(map);
L.control.zoom({ position: corner, zoomInTitle: S.zoom_plus, zoomOutTitle: S.zoom_minus }).addTo(map);
zoomCorner = scale.getContainer().parentNode;
/* on a phone an open popup takes the width of the screen: the buttons step aside meanwhile */
map.on("popupopen", function () { container.classList.add("geo-popup-open"); });
map.on("popupclose", function () { container.classList.remove("geo-popup-open"); });
/* keyboard order: title, side panel, map controls, then the provinces (then the national panel) */
var controls = container.querySelector(".leaflet-control-container");
if (controls) { container.insertBefore(controls, mapPane); }

/* ---------------------------------------------------------------- reader: focus and names */
/* A province under the pointer gets a dark outline; the province with the keyboard focus or
   an open popup a thick magenta one over a white halo (never the browser's black box).
   Both are drawn in a pane of their own, so the provinces keep their order. */
var focusPane = map.createPane("geo-focus");
focusPane.style.zIndex = 450;
focusPane.style.pointerEvents = "none";
focusPane.setAttribute("aria-hidden", "true");
var focusRenderer = L.svg({ pane: "geo-focus", padding: 0.3 });
var OUTLINES = {
  hover: [{ color: "#222222", weight: 2.5 }],
  focus: [{ color: "#ffffff", weight: 7 }, { color: "#c51b7d", weight: 3.5 }]
};
var marks = {}, selected = -1, focused = -1;
/* the place whose popup is open, at its level (the state the URL keeps) */
var picked = null;
function highlight(kind, i) {
  if (marks[kind]) { map.removeLayer(marks[kind]); marks[kind] = null; }
  if (kind === "focus" && i < 0) { i = selected; }
  if (i == null || i < 0) { return; }
  marks[kind] = L.layerGroup(OUTLINES[kind].map(function (s) {
    return L.geoJSON(features[i], { renderer: focusRenderer, interactive: false,
      style: { color: s.color, weight: s.weight, opacity: 1, fill: false } });
  })).addTo(map);
}
/* each province path: a keyboard stop named like «اصفهان: ۶۰۱ هکتار» / "Isfahan: 601 ha" */
function accessibleName(i) {
  var ind = inds[current], name = placeName(features[i].properties);
  if (!ind) { return name; }
  return name + ": " + (ind.t[i] == null ? S.no_data : ind.t[i] + (ind.unit ? " " + ind.unit : ""));
}
function nameProvinces() {
  pathOf.forEach(function (l, i) { if (l && l._path) { l._path.setAttribute("aria-label", accessibleName(i)); } });
}
function openPlace(i) {
  var p = features[i].properties;
  pathOf[i].openPopup(L.latLng(p.pt[0], p.pt[1]));
}
var openedByKey = false;
pathOf.forEach(function (l, i) {
  var path = l._path;
  if (!path) { return; }
  path.setAttribute("tabindex", "0");
  path.setAttribute("role", "button");
  path.addEventListener("focus", function () { focused = i; highlight("focus", i); });
  path.addEventListener("blur", function () { focused = -1; highlight("focus", -1); });
  path.addEventListener("keydown", function (e) {
    if (e.key === "Enter" || e.key === " ") {
      e.preventDefault();
      openedByKey = true;
      openPlace(i);
    }
  });
});
nameProvinces();
/* a popup opened from the keyboard takes the focus (and gives it back when closed with Escape);
   its scrolling content is itself a keyboard stop */
function popupOpened(popup, l) {
  var node = popup.getElement(), content = node && node.querySelector(".leaflet-popup-content");
  if (!content) { return; }
  content.setAttribute("tabindex", "0");
  content.setAttribute("role", "region");
  content.setAttribute("aria-label", fill(S.popup_label, { name: placeName(features[selected].properties) }));
  if (openedByKey) { content.focus({ preventScroll: true }); }
  openedByKey = false;
  node.onkeydown = function (e) {
    if (e.key === "Escape") { map.closePopup(); if (l._path) { l._path.focus({ preventScroll: true }); } }
  };
}

/* ---------------------------------------------------------------- reader: find */
/* The search folds the query exactly as geo.reference.names.normalize_name folds a name (same steps,
   same tables, sent by geo/_search_index.py) and looks it up in the keys of every level
   of places the map has: provinces now, counties when the map has them. */
var FOLD = (function (t) {
  if (!t) { return null; }
  var map1 = Object.create(null), stop = Object.create(null);
  t.letters.concat(t.digits).forEach(function (p) { map1[String.fromCharCode(p[0])] = String.fromCharCode(p[1]); });
  t.stop.forEach(function (w) { stop[w] = true; });
  return { invisible: new RegExp(t.invisible, "g"), marks: new RegExp(t.marks, "g"), punct: new RegExp(t.punct),
    map: map1, stop: stop, prefixes: t.prefixes };
})(D.search && D.search.fold);
function fold(text) {
  var F = FOLD;
  var s = String(text).normalize("NFKC").replace(F.invisible, "").replace(F.marks, "");
  s = s.replace(/[^\u0000-\u007f]/g, function (c) { return F.map[c] || c; });
  s = s.normalize("NFKD").replace(/\p{Mn}/gu, "").normalize("NFC").toLowerCase();
  var tokens = s.split(F.punct).filter(function (t) { return t; });
  if (tokens.length && F.prefixes.indexOf(tokens[0]) >= 0) {
    tokens.shift();
  } else if (tokens.length) {
    F.prefixes.forEach(function (p) {
      if (tokens[0].indexOf(p) === 0 && tokens[0].length > p.length) { tokens[0] = tokens[0].slice(p.length); }
    });
  }
  if (tokens.length && F.prefixes.indexOf(tokens[tokens.length - 1]) >= 0) { tokens.pop(); }
  return tokens.filter(function (t) { return !F.stop[t]; }).join("");
}
/* levels of places the search, the URL and the CSV know; a county layer adds "county" */
var LEVELS = Object.create(null);
LEVELS.province = {
  id: "province",
  keys: D.search ? D.search.levels.province.map(function (k) { return k.split(" "); }) : [],
  codes: byCode,
  code: function (i) { return features[i].properties.code; },
  props: function (i) { return features[i].properties; },
  open: function (i) { showPlace(i); }
};
function find(query, limit) {
  if (!FOLD) { return []; }
  var q = fold(String(query).slice(0, 200));
  if (!q) { return []; }
  var hits = [];
  Object.keys(LEVELS).forEach(function (lv, order) {
    LEVELS[lv].keys.forEach(function (keys, i) {
      var best = 9;
      keys.forEach(function (k) {
        var at = k.indexOf(q);
        if (at === 0) { best = Math.min(best, k.length === q.length ? 0 : 1); } else if (at > 0) { best = Math.min(best, 2); }
      });
      if (best < 9) { hits.push({ level: lv, i: i, rank: best, order: order, name: placeName(LEVELS[lv].props(i)) }); }
    });
  });
  hits.sort(function (a, b) { return a.rank - b.rank || a.order - b.order || collate(a.name, b.name); });
  return hits.slice(0, limit || 8);
}
function showPlace(i) {
  if (shown === "county") { showLevel("province"); }  /* a province is shown at its own level */
  var pad = panelPadding();
  map.fitBounds(pathOf[i].getBounds(), { paddingTopLeft: pad[0], paddingBottomRight: pad[1], maxZoom: 6, animate: false });
  openPlace(i);
}
if (FOLD) {
  var sbox = el("div", "geo-search", null, tools);
  var slab = el("label", "geo-sr", S.search, sbox);
  var input = el("input", "geo-search-input", null, sbox);
  input.id = "geo-search";
  slab.setAttribute("for", "geo-search");
  input.type = "search";
  input.placeholder = S.search + "…";
  input.title = S.search_hint;
  input.autocomplete = "off";
  input.spellcheck = false;
  input.maxLength = 200;
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("aria-controls", "geo-search-list");
  var listbox = el("ul", "geo-search-list", null, sbox);
  listbox.id = "geo-search-list";
  listbox.setAttribute("role", "listbox");
  listbox.setAttribute("aria-label", S.search);
  var status = el("div", "geo-search-status", null, sbox);
  status.setAttribute("role", "status");
  var hits = [], active = -1;
  var showHits = function () {
    while (listbox.firstChild) { listbox.removeChild(listbox.firstChild); }
    hits.forEach(function (h, k) {
      var p = LEVELS[h.level].props(h.i);
      var li = el("li", "geo-search-item" + (k === active ? " geo-active" : ""), null, listbox);
      li.id = "geo-search-opt-" + k;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", k === active ? "true" : "false");
      names(p, li, "geo-search-names");
      el("span", "geo-search-level", S["level_" + h.level] || h.level, li);
      li.addEventListener("mousedown", function (e) { e.preventDefault(); choose(k); });
    });
    var open = hits.length > 0;
    input.setAttribute("aria-expanded", open ? "true" : "false");
    listbox.style.display = open ? "" : "none";
    if (active >= 0) { input.setAttribute("aria-activedescendant", "geo-search-opt-" + active); }
    else { input.removeAttribute("aria-activedescendant"); }
  };
  var update = function () {
    hits = find(input.value);
    active = hits.length ? 0 : -1;
    status.textContent = !input.value.trim() ? "" : hits.length ? fill(S.search_found, { n: num(hits.length) }) : S.search_none;
    showHits();
  };
  var choose = function (k) {
    var h = hits[k];
    if (!h) { return; }
    input.value = placeName(LEVELS[h.level].props(h.i));
    hits = []; active = -1; showHits();
    status.textContent = "";
    LEVELS[h.level].open(h.i);
  };
  input.addEventListener("input", update);
  /* counties are found too: their keys come with the county level, decoded on first use */
  input.addEventListener("focus", function () {
    if (D.counties && !K) { loadCounties().then(function () { if (input.value.trim()) { update(); } }, function () {}); }
  });
  input.addEventListener("keydown", function (e) {
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      if (!hits.length) { update(); }
      if (hits.length) { active = (active + (e.key === "ArrowDown" ? 1 : hits.length - 1)) % hits.length; showHits(); }
      e.preventDefault();
    } else if (e.key === "Enter") {
      if (!hits.length) { update(); }
      if (hits.length) { choose(active < 0 ? 0 : active); }
      e.preventDefault();
    } else if (e.key === "Escape") {
      if (hits.length) { hits = []; active = -1; showHits(); } else { input.value = ""; status.textContent = ""; }
      e.preventDefault();
    }
  });
  input.addEventListener("blur", function () { hits = []; active = -1; showHits(); });
  showHits();
}

/* ---------------------------------------------------------------- reader: take the data */
/* The table behind the current indicator, made in the page (no network): UTF-8 with a BOM
   so that Excel shows Persian; a cell that a spreadsheet would read as a formula
   (= + - @, tab, carriage return at its start) is written with a leading apostrophe. */
var CSV_COLUMNS = ["code", "name_fa", "name_en", "value", "unit", "year", "rank", "source", "note"];
function csvCell(v) {
  var s = v == null ? "" : String(v);
  if (/^[=+\-@\t\r]/.test(s)) { s = "'" + s; }
  return /[",\r\n]/.test(s) || s !== s.trim() ? '"' + s.replace(/"/g, '""') + '"' : s;
}
function csvValue(v) {
  if (v == null || typeof v !== "number" || !isFinite(v)) { return ""; }
  return v === Math.round(v) ? String(v) : String(Math.round(v * 10000) / 10000);
}
/* at the county level of a page with figures per county (a register's), the 478 counties;
   otherwise the provinces, whose figures the counties only repeat */
function csvCounties() { return shown === "county" ? countyInd() : null; }
function csvText() {
  var ind = inds[current], mine = csvCounties();
  var rows = [CSV_COLUMNS];
  if (mine) {
    K.code.forEach(function (code, j) {
      rows.push([code, K.name_fa[j], K.name_en[j], csvValue(mine.v[j]), ind.unit, ind.year_sh,
        mine.r[j] == null ? "" : String(mine.r[j]), ind.source, ""]);
    });
  } else {
    features.forEach(function (f, i) {
      var p = f.properties;
      rows.push([p.code, p.name_fa, p.name_en, csvValue(p[ind.id]), ind.unit, ind.year_sh,
        ind.r[i] == null ? "" : String(ind.r[i]), ind.source, provinceNote(current, i) || ""]);
    });
  }
  return "\ufeff" + rows.map(function (r) { return r.map(csvCell).join(","); }).join("\r\n") + "\r\n";
}
function csvName() {
  return (D.csv_name || "map") + "_" + inds[current].id + (csvCounties() ? "_counties" : "") + "_" + D.lang + ".csv";
}
if (inds.length) {
  var dl = el("button", "geo-download", S.download, tools);
  dl.type = "button";
  dl.title = S.download_title;
  dl.addEventListener("click", function () {
    var a = document.createElement("a");
    a.href = URL.createObjectURL(new Blob([csvText()], { type: "text/csv;charset=utf-8" }));
    a.download = csvName();
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 0);
  });
}

/* ---------------------------------------------------------------- reader: share */
/* The state (indicator, level, selected place) lives in the URL's #fragment, e.g.
   #indicator=green_space_ha&province=IR-10 (a county later: &level=county&county=…).
   A fragment is read as text and only compared with the page's own ids and codes:
   anything else is dropped and the default view kept. */
function readFragment(hash) {
  var out = Object.create(null), h = String(hash || "").replace(/^#/, "");
  if (h.length > 2000) { return out; }
  h.split("&").forEach(function (part) {
    var eq = part.indexOf("="), k, v;
    if (eq < 1) { return; }
    try { k = decodeURIComponent(part.slice(0, eq)); v = decodeURIComponent(part.slice(eq + 1)); } catch (e) { return; }
    var mine = k === "indicator" || k === "level" || own(LEVELS, k) || (k === "county" && D.counties);
    if ((mine || stateHooks.some(function (h) { return h.claims(k); })) && !own(out, k)) { out[k] = v; }
  });
  return out;
}
function stateFragment() {
  var parts = [];
  if (inds[current] && current > 0) { parts.push("indicator=" + encodeURIComponent(inds[current].id)); }
  var lv = picked ? picked.level : shown;
  if (lv !== "province") { parts.push("level=" + encodeURIComponent(lv)); }
  if (picked) { parts.push(picked.level + "=" + encodeURIComponent(LEVELS[picked.level].code(picked.i))); }
  stateHooks.forEach(function (h) { h.write(parts); });
  return parts.join("&");
}
var restoring = false;
function writeState() {
  if (restoring) { return; }
  var frag = stateFragment();
  var base = location.href.split("#")[0];
  if (location.hash.replace(/^#/, "") !== frag) {
    try { history.replaceState(history.state, "", frag ? base + "#" + frag : base); } catch (e) { /* a sandboxed page */ }
  }
  if (langLink) { langLink.href = D.alt.href + (frag ? "#" + frag : ""); }
}
function applyState(st) {
  if (st.level === "county" && D.counties && !K) {  /* the county level is decoded first */
    loadCounties().then(function () { applyState(st); }, function () { st.level = "province"; applyState(st); });
    return;
  }
  restoring = true;
  /* the county level, unless the fragment names a county the page does not have */
  var shownLevel = own(LEVELS, st.level) ? st.level : "province";
  if (own(st, shownLevel) && !own(LEVELS[shownLevel].codes, st[shownLevel])) { shownLevel = "province"; }
  showLevel(shownLevel);
  var k = -1;
  inds.forEach(function (ind, j) { if (ind.id === st.indicator) { k = j; } });
  setIndicator(inds[k >= 0 ? k : 0] ? inds[k >= 0 ? k : 0].id : "");
  stateHooks.forEach(function (h) { h.apply(st); });
  var level = own(LEVELS, st.level) ? st.level : "province";
  var code = own(st, level) ? st[level] : null;
  var i = code !== null && own(LEVELS[level].codes, code) ? LEVELS[level].codes[code] : -1;
  map.closePopup();
  if (i >= 0) { LEVELS[level].open(i); } else { fit(); }
  restoring = false;
  writeState();
}
window.addEventListener("hashchange", function () { applyState(readFragment(location.hash)); });

/* ---------------------------------------------------------------- start */
drawLegend();
/* the reader pans no further than the provinces' extent again on each side (zoom limits:
   minZoom/maxZoom of the map's options) */
map.setMaxBounds(layer.getBounds().pad(1));
layout();
fit();
window.addEventListener("resize", function () { layout(); });
/* the embedded font may finish decoding after the first layout: place the panels again, then
   say the page is ready (data-geo-ready on <html>) once that layout has been drawn */
function ready() {
  /* a register map above the point limit: once its rows are decoded and counted (estates/cells.js) */
  (rowsReady || Promise.resolve()).then(function () {
    requestAnimationFrame(function () { document.documentElement.setAttribute("data-geo-ready", "1"); });
  });
}
if (document.fonts && document.fonts.ready) {
  document.fonts.ready.then(function () { layout(); ready(); }, ready);
} else { ready(); }
if (drawPoints) { drawPoints(); }
/* a register map made with a style or filters (register_map(color=…, filter=…)) starts with them */
var startState = location.hash || (D.points && D.points.start ? "#" + D.points.start : "");
if (startState) { applyState(readFragment(startState)); } else { writeState(); }

/* ---------------------------------------------------------------- reader: print */
/* Print (or save as PDF) gives one A4 landscape page (map.css, @media print): before it the
   map is fitted to the printed page, after it to the screen again. */
function printLayout() { map.invalidateSize({ animate: false }); layout(); fit(); }
window.addEventListener("beforeprint", printLayout);
window.addEventListener("afterprint", printLayout);
if (window.matchMedia) {
  var printing = window.matchMedia("print");
  if (printing.addEventListener) { printing.addEventListener("change", printLayout); }
}

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
  setLevel: setLevel,
  level: function () { return shown; },
  /* container pixel of a county's representative point (for tests; the counties loaded) */
  countyPoint: function (code) {
    var p = K.pt[K.code.indexOf(code)];
    var q = map.latLngToContainerPoint(L.latLng(p[0], p[1]));
    var r = container.getBoundingClientRect();
    return { x: q.x + r.left, y: q.y + r.top };
  },
  /* the fill of every county path drawn (empty at the province level) */
  countyFills: function () {
    if (shown !== "county") { return []; }
    return countyLayer.getLayers().map(function (l) { return l._path.getAttribute("fill"); });
  },
  /* how many clusters and single points the register layer drew last (for tests) */
  drawn: function () { return pointGroup ? pointGroup.drawn() : { clusters: 0, dots: 0 }; },
  items: function () { return pointGroup ? pointGroup.items() : []; },
  /* the register layer's state and actions (estates/*.js): shown(), style(), where(), open(row), csv() */
  estates: pointGroup,
  fold: fold,
  find: function (q) { return find(q).map(function (h) { return LEVELS[h.level].props(h.i).code; }); },
  selected: function () { return picked ? LEVELS[picked.level].code(picked.i) : null; },
  csv: csvText,
  csvName: csvName
};
