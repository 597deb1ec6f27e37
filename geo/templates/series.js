/* ---------------------------------------------------------------- national series (geo/templates/series.js) */
/* ISIPO's national figures over the years (D.series), drawn as small inline SVG charts at the
   top of the national panel: one chart per indicator, each figure a point with its source in
   its tooltip (an SVG <title>, set with textContent); the article's figure is a diamond; two
   figures of one year that differ are both drawn, ringed red, never joined by the line, and
   named in a sentence below the chart. Spliced after map.js on pages with a series. */
(function () {
  var SD = D.series;
  var box = national ? national.querySelector(".geo-national-body") : null;
  if (!SD || !box) { return; }
  var NS = "http://www.w3.org/2000/svg";
  var W = 300, H = 118, L0 = 46, R0 = 10, T0 = 10, B0 = 20;
  function svg(tag, attrs, parent) {
    var node = document.createElementNS(NS, tag);
    Object.keys(attrs).forEach(function (k) { node.setAttribute(k, String(attrs[k])); });
    if (parent) { parent.appendChild(node); }
    return node;
  }
  function label(x, y, text, anchor, parent) {
    var t = svg("text", { x: x, y: y, "text-anchor": anchor, "class": "geo-series-tick" }, parent);
    t.textContent = text;
    return t;
  }
  function mark(x, y, article, clash, parent) {
    var g = svg("g", { "class": "geo-series-point" + (article ? " geo-series-article" : "") + (clash ? " geo-series-clash" : "") }, parent);
    if (clash) { svg("circle", { cx: x, cy: y, r: 7, fill: "none", stroke: "#c62828", "stroke-width": 2 }, g); }
    if (article) {
      svg("path", { d: "M" + x + " " + (y - 5.5) + "l5.5 5.5l-5.5 5.5l-5.5 -5.5z", fill: "#d95f02", stroke: "#fff" }, g);
    } else {
      svg("circle", { cx: x, cy: y, r: 4, fill: "#1f6f8b", stroke: "#fff" }, g);
    }
    return g;
  }
  function chart(ch, parent) {
    var fig = el("figure", "geo-series-chart", null, parent);
    fig.setAttribute("data-id", ch.id);
    el("figcaption", "geo-series-label", ch.label + (ch.unit ? " (" + ch.unit + ")" : ""), fig);
    var x0 = Math.min.apply(null, ch.x) - 0.5, x1 = Math.max.apply(null, ch.x) + 0.5;
    var lo = Math.min.apply(null, ch.y), hi = Math.max.apply(null, ch.y);
    var pad = (hi - lo) * 0.15 || Math.abs(hi) * 0.1 || 1;
    lo -= pad; hi += pad;
    function px(x) { return L0 + (x - x0) / (x1 - x0) * (W - L0 - R0); }
    function py(y) { return T0 + (hi - y) / (hi - lo) * (H - T0 - B0); }
    /* time runs left to right on both pages; the chart's own texts are numbers */
    var root = svg("svg", { viewBox: "0 0 " + W + " " + H, width: W, height: H, role: "img", direction: "ltr" }, fig);
    svg("title", {}, root).textContent = ch.label;
    svg("line", { x1: L0, y1: H - B0, x2: W - R0, y2: H - B0, stroke: "#999" }, root);
    var imin = ch.y.indexOf(Math.min.apply(null, ch.y)), imax = ch.y.indexOf(Math.max.apply(null, ch.y));
    [imin, imax].forEach(function (i) {
      svg("line", { x1: L0 - 3, y1: py(ch.y[i]), x2: W - R0, y2: py(ch.y[i]), stroke: "#e3e3e3" }, root);
      label(L0 - 5, py(ch.y[i]) + 4, ch.vt[i], "end", root);
    });
    var seen = {};
    ch.x.forEach(function (x, i) {
      if (own(seen, ch.yt[i])) { return; }
      seen[ch.yt[i]] = true;
      label(px(x), H - 5, ch.yt[i], "middle", root);
    });
    /* the line joins only the years with one figure: where sources disagree it picks none */
    var run = [];
    function flush() {
      if (run.length > 1) { svg("polyline", { points: run.join(" "), fill: "none", stroke: "#1f6f8b", "stroke-width": 1.5 }, root); }
      run = [];
    }
    ch.x.forEach(function (x, i) {
      if (ch.clash[i]) { flush(); } else { run.push(px(x).toFixed(1) + "," + py(ch.y[i]).toFixed(1)); }
    });
    flush();
    /* the figures of one year side by side, a few pixels apart */
    var nth = {};
    ch.x.forEach(function (x, i) {
      var k = nth[x] = own(nth, x) ? nth[x] + 1 : 0;
      var g = mark(px(x) + (ch.clash[i] ? (k % 2 ? 7 : -7) : 0), py(ch.y[i]), ch.article[i], ch.clash[i], root);
      svg("title", {}, g).textContent = ch.tip[i];
    });
    ch.notes.forEach(function (text) { el("p", "geo-series-note", text, fig); });
  }
  var sec = el("section", "geo-series", null, null);
  box.insertBefore(sec, box.querySelector(".geo-facts"));
  el("h3", "geo-series-title", SD.words.title, sec);
  var key = el("div", "geo-series-key", null, sec);
  [["article", true, false], ["press", false, false], ["clash_key", false, true]].forEach(function (k) {
    var item = el("span", "geo-series-key-item", null, key);
    var icon = svg("svg", { viewBox: "0 0 18 18", width: 18, height: 18 }, item);
    mark(9, 9, k[1], k[2], icon);
    el("span", null, SD.words[k[0]], item);
  });
  SD.charts.forEach(function (ch) { chart(ch, sec); });
  SD.notes.forEach(function (text) { el("p", "geo-series-note", text, sec); });
  layout();
})();
