// The dashboard's one script of its own: it draws the charts and the links graph whose data a page carries
// in <script type="application/json"> elements (no inline script runs under the pages' CSP).
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
    // One analysis is one instant: uPlot would widen it by 86,400 of its milliseconds (years, in seconds), so an
    // hour is shown either side of it.
    var x = { time: true, range: function (u, min, max) {
      var at = u.data[0];
      return at.length === 1 ? [at[0] - 3600, at[0] + 3600] : [min, max];
    } };
    var options = { width: width(element), height: 220, series: series, scales: { x: x, y: { range: [0, 100] } } };
    new uPlot(options, [found.at].concat(CATEGORIES.map(function (c) { return found[c]; })), element);
  }

  // The same classes as the score badges' (templates.py score_class), as plain colours for the canvas.
  var TONES = { bad: "#b91c1c", warn: "#d97706", good: "#16a34a", none: "#9ca3af" };
  var FEW_EDGES = 6;  // up to this many, every edge of the graph is labelled

  function graphStyle() {
    var style = [
      { selector: "node", style: { "background-color": TONES.none, label: "data(label)", "font-size": 12, color: "#111827",
        "text-valign": "bottom", "text-margin-y": 4, "text-wrap": "ellipsis", "text-max-width": 140, width: 26, height: 26 } },
      { selector: "node[?centre]", style: { width: 38, height: 38, "border-width": 3, "border-color": "#111827", "font-weight": "bold" } },
      { selector: "node:selected", style: { "border-width": 4, "border-color": "#1d4ed8" } },
      { selector: "edge", style: { width: "mapData(weight, 0, 1, 1, 7)", "line-color": "#cbd5e1", "curve-style": "straight" } },
      { selector: "edge.labelled", style: { label: "data(label)", "font-size": 10, color: "#374151",
        "line-color": "#94a3b8", "text-background-color": "#ffffff", "text-background-opacity": 0.9, "text-background-padding": 2 } }
    ];
    Object.keys(TONES).forEach(function (tone) {
      style.splice(1, 0, { selector: "node[tone = '" + tone + "']", style: { "background-color": TONES[tone] } });
    });
    return style;
  }

  // The angle the ring of neighbours spans: evenly spaced, except that an even number is spaced as if one more,
  // so no two sit opposite each other, where the line between them would run through the centre.
  function sweep(neighbours) {
    var step = 2 * Math.PI / (neighbours % 2 === 0 ? neighbours + 1 : neighbours);
    return step * Math.max(0, neighbours - 1);
  }

  // Pivoting: a click (a tap) on a node opens that identity's page; so does Enter on the one the arrow keys chose.
  function links(root) {
    var found = data("links-data");
    var element = root.querySelector("[data-graph]");
    if (!found || !element || element.dataset.drawn) return;
    element.dataset.drawn = "1";
    var chosen = root.querySelector("[data-graph-chosen]");
    var cy = cytoscape({
      container: element,
      elements: {
        nodes: found.nodes.map(function (n) { return { data: n }; }),
        edges: found.edges.map(function (e) { return { data: e, selectable: false }; })
      },
      style: graphStyle(),
      layout: { name: "concentric", concentric: function (node) { return node.data("centre") ? 2 : 1; },
                levelWidth: function () { return 1; }, sweep: sweep(found.nodes.length - 1), minNodeSpacing: 110, padding: 30 },
      maxZoom: 1.25,  // a few nodes are not blown up to fill the box
      userZoomingEnabled: false,  // the wheel scrolls the page
      boxSelectionEnabled: false,
      autoungrabify: true
    });
    cy.one("render", function () { element.dataset.nodes = String(cy.nodes().length); });
    cy.on("tap", "node", function (event) { window.location.assign(event.target.data("href")); });
    var others = cy.nodes("[!centre]");
    var at = -1;
    // Every edge says what links its two ends while few enough to read; otherwise those of the node pointed at
    // or chosen do.
    var few = cy.edges().length <= FEW_EDGES;
    function label(node) {
      if (few) return;
      cy.edges().removeClass("labelled");
      if (node) node.connectedEdges().addClass("labelled");
    }
    if (few) cy.edges().addClass("labelled");
    cy.on("mouseover", "node", function (event) { element.classList.add("pointing"); label(event.target); });
    cy.on("mouseout", "node", function () { element.classList.remove("pointing"); label(at >= 0 ? others[at] : null); });
    element.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && at >= 0) {
        window.location.assign(others[at].data("href"));
        return;
      }
      var step = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[event.key];
      if (!step || !others.length) return;
      event.preventDefault();
      at = at < 0 ? (step > 0 ? 0 : others.length - 1) : (at + step + others.length) % others.length;
      cy.nodes().unselect();
      others[at].select();
      label(others[at]);
      var node = others[at].data();
      if (chosen) chosen.textContent = node.label + (node.label === node.id ? "" : " (" + node.id + ")") + ": Enter opens its page.";
    });
  }

  // The identity page's time slider: while it moves, its output and spoken value name the stop; let go with a
  // pointer, the page of that instant opens (its `asOf`, to the microsecond, or the page now for the last stop).
  // From the keyboard each arrow only chooses a stop, and the Show button opens it: arrows never leave the page.
  function timeTravel(root) {
    root.querySelectorAll("form[data-time-travel]").forEach(function (form) {
      if (form.dataset.ready) return;
      form.dataset.ready = "1";
      var range = form.querySelector("input[type=range]");
      var output = form.querySelector("[data-as-of-output]");
      var stops = form.querySelectorAll("datalist option");
      var pointer = false;
      function stop() { return stops[Number(range.value)]; }
      range.addEventListener("input", function () {
        var label = stop().getAttribute("label");
        output.textContent = label;
        range.setAttribute("aria-valuetext", label);
      });
      range.addEventListener("pointerdown", function () { pointer = true; });
      range.addEventListener("keydown", function () { pointer = false; });
      range.addEventListener("change", function () { if (pointer) form.requestSubmit(); });
      form.addEventListener("submit", function (event) {
        var instant = stop().dataset.instant;
        event.preventDefault();
        window.location.assign(form.action + (instant ? "?asOf=" + encodeURIComponent(instant) : ""));
      });
    });
  }

  function draw(root) {
    timeTravel(root);
    if (typeof uPlot !== "undefined") {
      histograms(root);
      history(root);
    }
    if (typeof cytoscape !== "undefined") links(root);
  }

  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:afterSettle", function (event) { draw(event.target); });
})();
