/* The register layer of geo's map script (geo/templates/map.js): spliced in at its
   @register@ marker only on pages with points (after geo/templates/estates/*.js, see
   geo/maps/_assets.py), so the default map does not carry it. */
if (D.points) {
  /* the key, card, style, filters and table: estates/*.js, assembled before this file */
  /* Clusters and dots are drawn on one canvas above the provinces (a few thousand DOM
     markers would make every zoom slow): a cluster is its count on a white disc inside a
     ring of its statuses' shares; a click on it zooms in, on a dot opens its popup. */
  var FONT = "bold 11px 'Noto Sans Arabic Embedded', sans-serif";
  var items = [], drawn = { clusters: 0, dots: 0 };
  var pane = map.createPane("geoPoints");
  pane.style.zIndex = 450;
  var cv = L.DomUtil.create("canvas", "geo-points-canvas leaflet-zoom-hide", pane), ctx = cv.getContext("2d");
  var radiusOf = function (n) { return n ? Math.round(14 + Math.min(10, Math.log(n) * 1.6)) : (G ? 4 : 5); };
  var ring = function (q, it) {
    var n = it.n, start = -Math.PI / 2, label = num(n);
    /* the white disc (64 % of the circle) holds the count, however many digits it has */
    var rad = it.rad = Math.max(radiusOf(n), Math.ceil(ctx.measureText(label).width / 1.28) + 4);
    it.parts.forEach(function (part) {
      if (!part[0]) { return; }
      var end = start + 2 * Math.PI * part[0] / n;
      ctx.beginPath(); ctx.moveTo(q.x, q.y); ctx.arc(q.x, q.y, rad, start, end); ctx.closePath();
      ctx.fillStyle = part[1]; ctx.fill();
      start = end;
    });
    ctx.beginPath(); ctx.arc(q.x, q.y, rad * 0.64, 0, 2 * Math.PI); ctx.fillStyle = "#ffffff"; ctx.fill();
    ctx.fillStyle = "#222222"; ctx.fillText(label, q.x, q.y + 0.5);
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
        if (P.approx[it.i]) {  /* drawn at its county's or province's point: a hollow ring */
          ctx.fillStyle = "#ffffff"; ctx.fill();
          ctx.lineWidth = 3; ctx.strokeStyle = colorOf(it.i); ctx.stroke(); ctx.lineWidth = 1;
        } else {
          ctx.fillStyle = colorOf(it.i); ctx.fill();
          ctx.strokeStyle = "#ffffff"; ctx.stroke();
        }
        drawn.dots += 1;
      } else {
        ring(q, it);
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
  /* a cluster: its count, and the count of each class of the current style, drawn as a ring */
  var clusterItem = function (ll, classes, zoomTo) {
    var n = 0, parts = [];
    classes.forEach(function (c, k) { n += c; parts.push([c, classColors[k]]); });
    return { ll: ll, n: n, classes: classes, parts: parts, rad: radiusOf(n), zoomTo: zoomTo };
  };
  var CELL = 48;
  /* up to the size limit: every point in view, near ones grouped on the screen's own grid */
  var recluster = function () {
    var z = map.getZoom(), view = map.getBounds().pad(0.1), cells = {}, keys = [], dots = [], groups = [];
    P.ll.forEach(function (ll, i) {
      if (!ll || !visible[i] || !view.contains(ll)) { return; }
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
      var lat = 0, lng = 0, c = classColors.map(function () { return 0; });
      members.forEach(function (i) { lat += P.ll[i][0]; lng += P.ll[i][1]; c[classOf(i)] += 1; });
      groups.push(clusterItem([lat / members.length, lng / members.length], c, function () {
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
    var li = level - G.zmin, lv = G.levels[li], view = map.getBounds().pad(0.1), groups = [];
    var cn = cellNow ? cellNow.levels[li] : null, nc = cellNow ? cellNow.nc : 0;
    lv.lat.forEach(function (lat, k) {
      var ll = [lat, lv.lon[k]];
      if (!cn || nc !== classColors.length || !view.contains(ll)) { return; }
      var classes = Array.prototype.slice.call(cn.cc, k * nc, k * nc + nc);
      var it = clusterItem(ll, classes, function () { map.setView(ll, Math.min(z + 2, map.getMaxZoom())); });
      if (!it.n) { return; }
      it.status = true;
      it.mix = [cn.ss[k * 3], cn.ss[k * 3 + 1], cn.ss[k * 3 + 2]];
      groups.push(it);
    });
    var dots = problemDots.filter(function (it) { return visible[it.i] && view.contains(it.ll); });
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
    openCard(it.i, false);
  }, true);
  container.addEventListener("mouseover", function (e) {  /* no province tooltip over a point */
    if (onMap(e) && hit(map.mouseEventToContainerPoint(e))) { e.stopPropagation(); }
  }, true);
  container.addEventListener("mousemove", function (e) {
    var it = onMap(e) ? hit(map.mouseEventToContainerPoint(e)) : null;
    container.classList.toggle("geo-on-point", !!it);
    if (it) { e.stopPropagation(); }
    if (it && it.i === undefined) {
      var text = fill(S.estates_n, { n: num(it.n) });
      var mix = it.mix || (styleKey === "status" ? it.classes : null);
      if (mix && (!G || it.status)) { text += ": " + fill(S.mix, { j: num(mix[0]), f: num(mix[1]), r: num(mix[2]) }); }
      tip.setLatLng(it.ll).setContent(el("div", null, text));
      if (!map.hasLayer(tip)) { tip.addTo(map); }
    } else if (map.hasLayer(tip)) { map.removeLayer(tip); }
  }, true);
  /* an estate's card at its point; from the table (byKey), the map zooms to it and the card takes the focus */
  var cardOpen = -1;
  var openCard = function (i, byKey) {
    var from = document.activeElement;
    var popup = L.popup({ maxWidth: 340, minWidth: 220, maxHeight: 320, className: "geo-popup geo-card-popup" }).setLatLng(P.ll[i]);
    clearOfPanels(popup);
    cardOpen = i;
    popup.setContent(estateCard(i)).openOn(map);
    var node = popup.getElement(), content = node && node.querySelector(".leaflet-popup-content");
    if (content) {
      content.setAttribute("tabindex", "0"); content.setAttribute("role", "region");
      content.setAttribute("aria-label", fill(S.popup_label, { name: P.name[i] }));
      if (byKey) { content.focus({ preventScroll: true }); }
      /* Escape closes the card and gives the focus back (to the table's row) */
      node.onkeydown = function (e) {
        if (e.key === "Escape") { map.closePopup(); if (byKey && from && from.focus) { from.focus({ preventScroll: true }); } }
      };
    }
  };
  var openEstate = function (i, byKey) {
    if (!P.ll[i]) { return; }
    map.setView(P.ll[i], Math.max(map.getZoom(), Math.min(8, map.getMaxZoom())), { animate: false });
    openCard(i, byKey);
  };
  drawPoints = G ? regrid : recluster;
  map.on("moveend resize", drawPoints);
  if (document.fonts && document.fonts.ready) { document.fonts.ready.then(paint); }
  pointGroup = {
    drawn: function () { return drawn; },
    /* what was drawn, where (container pixels), with its counts: for tests */
    items: function () {
      return items.filter(function (it) { return it.q; }).map(function (it) {
        return it.i === undefined ? { x: it.q.x, y: it.q.y, j: (it.mix || it.classes)[0], f: (it.mix || it.classes)[1], r: (it.mix || it.classes)[2], n: it.n, classes: it.classes }
          : { x: it.q.x, y: it.q.y, row: P.row[it.i], color: colorOf(it.i), approx: P.approx[it.i] };
      });
    },
    /* the register layer's state and actions (for tests and the notebook) */
    shown: function () { var n = 0; for (var i = 0; i < NPTS; i++) { n += visible[i]; } return n; },
    style: function () { return styleKey; },
    where: function () { return JSON.parse(JSON.stringify(where)); },
    /* apply a style and filters given as the fragment's text; returns the milliseconds it took
       (filters, key and points redrawn, synchronously): for the bench */
    apply: function (frag) {
      var t = performance.now();
      stateHooks.forEach(function (h) { h.apply(readFragment(frag)); });
      return performance.now() - t;
    },
    open: function (row) { var i = P.row.indexOf(row); if (i >= 0) { openEstate(i, false); } return cardOpen === i; },
    csv: estatesCsv,
    /* the choropleth of the estates shown: its value per province code and its national total */
    choropleth: function () {
      if (!shownInd) { return null; }
      var v = {};
      features.forEach(function (f, i) { v[f.properties.code] = shownInd.v[i]; });
      return { v: v, total: shownInd.total };
    }
  };
  applyFilters(true);
  started = true;
}
