// The dashboard's one script of its own: it draws the charts whose data a page carries in
// <script type="application/json"> elements (no inline script runs under the pages' CSP).
"use strict";

(function () {
  var COLOURS = { humanity: "#2563eb", authenticity: "#7c3aed", uniqueness: "#0891b2", behavior: "#d97706" };
  var CATEGORIES = ["humanity", "authenticity", "uniqueness", "behavior"];

  function data(id) {
    var element = document.getElementById(id);
    return element ? JSON.parse(element.textContent) : null;
  }

  function width(element) {
    return Math.max(200, Math.floor(element.getBoundingClientRect().width) || 280);
  }

  function histograms(root) {
    var found = data("distribution-data");
    if (!found) return;
    root.querySelectorAll("[data-histogram]").forEach(function (element) {
      if (element.dataset.drawn) return;
      element.dataset.drawn = "1";
      var category = element.dataset.histogram;
      var xs = found.buckets.map(function (_, i) { return i; });
      var options = {
        width: width(element),
        height: 160,
        legend: { show: false },
        cursor: { show: false },
        scales: { x: { time: false, range: [-0.5, xs.length - 0.5] }, y: { range: function (u, min, max) { return [0, Math.max(1, max)]; } } },
        axes: [
          { values: function (u, splits) { return splits.map(function (i) { return found.buckets[i] || ""; }); }, size: 30, gap: 2 },
          { size: 40 }
        ],
        series: [{}, { label: category, fill: COLOURS[category], stroke: COLOURS[category], paths: uPlot.paths.bars({ size: [0.8] }), points: { show: false } }]
      };
      new uPlot(options, [xs, found[category]], element);
    });
  }

  function history(root) {
    var found = data("history-data");
    var element = root.querySelector("[data-history]");
    if (!found || !element || element.dataset.drawn) return;
    element.dataset.drawn = "1";
    var series = [{}].concat(CATEGORIES.map(function (c) {
      return { label: c.charAt(0).toUpperCase() + c.slice(1), stroke: COLOURS[c], width: 2, spanGaps: true };
    }));
    var options = { width: width(element), height: 220, series: series, scales: { y: { range: [0, 100] } } };
    new uPlot(options, [found.at].concat(CATEGORIES.map(function (c) { return found[c]; })), element);
  }

  function draw(root) {
    if (typeof uPlot === "undefined") return;
    histograms(root);
    history(root);
  }

  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:afterSettle", function (event) { draw(event.target); });
})();
