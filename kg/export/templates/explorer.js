/* kg explorer. All text from the graph is untrusted: it only ever reaches the page through
 * textContent (never innerHTML) or vis-network's canvas and innerText tooltips. */
(function () {
  "use strict";

  var timings = { start: performance.now() };
  window.kgTimings = timings;
  window.kgReady = false;

  var data = JSON.parse(document.getElementById("kg-data").textContent);
  timings.parsed = performance.now();

  var LABELS = data.labels;
  var RELS = data.relationships;
  var N = data.nodes.length;
  var NODE_ID = 0, NODE_LABEL = 1, NODE_NAME = 2, NODE_X = 3, NODE_Y = 4, NODE_PAPERS = 5;
  var EDGE_FROM = 0, EDGE_TO = 1, EDGE_REL = 2, EDGE_COUNT = 3;
  var BIG = N > data.physicsThreshold;
  var LANDMARKS = 25;
  var LABEL_THRESHOLD = 7;  // vis draws a label once its font is this many screen pixels

  var container = document.getElementById("kg-network");
  var panel = document.getElementById("kg-panel");
  var searchInput = document.getElementById("kg-search");
  var searchList = document.getElementById("kg-search-results");
  var countsBox = document.getElementById("kg-counts");
  var minPapersInput = document.getElementById("kg-min-papers");
  var minPapersValue = document.getElementById("kg-min-papers-value");
  var physicsBox = document.getElementById("kg-physics");

  // ---- small DOM helpers (text only) ----------------------------------------------------
  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function append(parent) {
    for (var i = 1; i < arguments.length; i++) {
      var child = arguments[i];
      if (child === null || child === undefined) continue;
      parent.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    }
    return parent;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  // toLocaleString is slow enough to matter when called for every node and edge of a big graph.
  function thousands(n) { return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ","); }
  function plural(n, word) { return thousands(n) + " " + word + (n === 1 ? "" : "s"); }
  function shorten(text, max) { return text.length > max ? text.slice(0, max - 1) + "…" : text; }

  // ---- vis data --------------------------------------------------------------------------
  var groups = {};
  LABELS.forEach(function (label) {
    groups[label.name] = {
      shape: label.shape,
      color: { background: label.colour, border: shade(label.colour, -0.25),
               highlight: { background: label.colour, border: "#1f2933" },
               hover: { background: label.colour, border: "#1f2933" } },
    };
  });

  var nodeItems = new Array(N);
  var maxPapers = 1;
  for (var i = 0; i < N; i++) {
    var row = data.nodes[i];
    var label = LABELS[row[NODE_LABEL]];
    var papers = row[NODE_PAPERS];
    if (label.entity && papers > maxPapers) maxPapers = papers;
    nodeItems[i] = {
      id: i,
      label: shorten(row[NODE_NAME], label.name === "Paper" ? 48 : 40),
      title: row[NODE_NAME] + "\n" + label.name + (label.entity ? " · " + plural(papers, "paper") : ""),
      group: label.name,
      x: row[NODE_X],
      y: row[NODE_Y],
      value: label.entity ? papers : 1,
    };
  }
  // Most edges (paper -> entity) have the plain style set once in the options below; only the
  // others carry their own style, which keeps vis-network's per-edge work down on big graphs.
  var edgeStyles = RELS.map(function (rel) {
    return rel.plain ? null : {
      color: { color: rel.colour, highlight: shade(rel.colour, -0.35), opacity: 1 },
      dashes: rel.dashes,
      arrows: rel.arrows ? { to: { enabled: true, scaleFactor: 0.5 } } : undefined,
    };
  });
  var edgeItems = new Array(data.edges.length);
  for (var j = 0; j < data.edges.length; j++) {
    var edge = data.edges[j];
    var rel = RELS[edge[EDGE_REL]];
    var item = { id: j, from: edge[EDGE_FROM], to: edge[EDGE_TO], title: rel.name + " · " + plural(edge[EDGE_COUNT], "paper") };
    var style = edgeStyles[edge[EDGE_REL]];
    if (style) { item.color = style.color; item.dashes = style.dashes; item.arrows = style.arrows; }
    if (!rel.plain || edge[EDGE_COUNT] > 1) {
      item.width = rel.width + (edge[EDGE_COUNT] > 1 ? Math.min(3, Math.log2(edge[EDGE_COUNT])) : 0);
    }
    edgeItems[j] = item;
  }
  timings.items = performance.now();
  var nodes = new vis.DataSet(nodeItems);
  var edges = new vis.DataSet(edgeItems);
  timings.datasets = performance.now();

  var options = {
    autoResize: true,
    layout: { improvedLayout: false, randomSeed: 1 },
    physics: data.physics ? {
      enabled: true,
      solver: "forceAtlas2Based",
      forceAtlas2Based: { gravitationalConstant: -40, centralGravity: 0.005, springLength: 60, springConstant: 0.04,
                          avoidOverlap: 1 },
      stabilization: { enabled: true, iterations: 120, updateInterval: 1000, fit: true },
      minVelocity: 1.5,
    } : { enabled: false },
    interaction: {
      hover: false, tooltipDelay: 250, hideEdgesOnDrag: BIG, hideEdgesOnZoom: BIG, multiselect: false,
      selectConnectedEdges: true,
    },
    nodes: {
      borderWidth: 1,
      font: { size: 12, face: "system-ui, -apple-system, Segoe UI, Roboto, Arial, sans-serif", color: "#1f2933",
              strokeWidth: 3, strokeColor: "#ffffff" },
      scaling: {
        min: 7, max: 34,
        label: { enabled: true, min: 11, max: 26, drawThreshold: LABEL_THRESHOLD, maxVisible: 26 },
        customScalingFunction: function (min, max, total, value) {
          return max === min ? 0 : Math.sqrt((value - min) / (max - min));
        },
      },
    },
    edges: {
      smooth: false, selectionWidth: 1.5, hoverWidth: 0, width: data.plainEdge.width,
      color: { color: data.plainEdge.colour, highlight: shade(data.plainEdge.colour, -0.35), opacity: 0.8 },
    },
    groups: groups,
  };
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, options);
  timings.network = performance.now();

  network.once("afterDrawing", function () {
    timings.firstDraw = performance.now();
    // Interactive = the first full frame is on screen and the main thread is free for input.
    requestAnimationFrame(function () {
      setTimeout(function () {
        timings.ready = performance.now();
        window.kgReady = true;
        document.body.setAttribute("data-kg-ready", "true");
      }, 0);
    });
  });

  // ---- neighbourhood highlight -----------------------------------------------------------
  // Drawn over the finished frame: a white veil, then the neighbourhood again on top. This costs
  // the size of the neighbourhood, not of the graph (no DataSet update of every node).
  var adjacency = new Array(N);
  for (var a = 0; a < N; a++) adjacency[a] = [];
  for (var b = 0; b < data.edges.length; b++) {
    adjacency[data.edges[b][EDGE_FROM]].push(b);
    adjacency[data.edges[b][EDGE_TO]].push(b);
  }
  var highlight = null;

  function setHighlight(index) {
    if (index === null) { highlight = null; network.redraw(); return; }
    var hood = { centre: index, nodes: [index], edges: [] };
    adjacency[index].forEach(function (edgeIndex) {
      var other = data.edges[edgeIndex][EDGE_FROM] === index ? data.edges[edgeIndex][EDGE_TO]
        : data.edges[edgeIndex][EDGE_FROM];
      hood.edges.push(edgeIndex);
      if (hood.nodes.indexOf(other) < 0) hood.nodes.push(other);
    });
    var centre = hood.nodes.shift();
    hood.nodes.sort(function (x, y) { return data.nodes[y][NODE_PAPERS] - data.nodes[x][NODE_PAPERS] || x - y; });
    hood.nodes.unshift(centre);
    highlight = hood;
    network.redraw();
  }

  var landmarks = [];
  for (var m = 0; m < N; m++) if (LABELS[data.nodes[m][NODE_LABEL]].entity) landmarks.push(m);
  landmarks.sort(function (x, y) { return data.nodes[y][NODE_PAPERS] - data.nodes[x][NODE_PAPERS] || x - y; });
  landmarks = landmarks.slice(0, LANDMARKS).filter(function (n) { return data.nodes[n][NODE_PAPERS] > 1; });

  function fontSize(drawnNode) {
    return drawnNode.options.font && drawnNode.options.font.size ? drawnNode.options.font.size : 12;
  }

  // Draws a name under a node at 13 screen pixels; with *taken*, skips names that would overlap.
  function drawName(ctx, drawnNode, text, scale, bold, taken) {
    var fontSize = 13 / scale;
    ctx.save();
    ctx.font = (bold ? "600 " : "") + fontSize + "px system-ui, sans-serif";
    var y = drawnNode.y + (drawnNode.shape.height ? drawnNode.shape.height / 2 : 10) + 3 / scale;
    if (taken) {
      var half = ctx.measureText(text).width / 2;
      var box = [drawnNode.x - half, y, drawnNode.x + half, y + fontSize];
      var clash = taken.some(function (other) {
        return box[0] < other[2] && other[0] < box[2] && box[1] < other[3] && other[1] < box[3];
      });
      if (clash) { ctx.restore(); return; }
      taken.push(box);
    }
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    ctx.lineWidth = 4 / scale;
    ctx.strokeStyle = "#ffffff";
    ctx.fillStyle = "#1f2933";
    ctx.strokeText(text, drawnNode.x, y);
    ctx.fillText(text, drawnNode.x, y);
    ctx.restore();
  }

  // Names of the most-mentioned entities stay on screen when zoomed out too far for vis to label
  // anything, so a big graph still has landmarks.
  network.on("afterDrawing", function (ctx) {
    if (highlight) return;
    var scale = network.getScale();
    var taken = [];
    landmarks.forEach(function (nodeIndex) {
      var drawn = network.body.nodes[nodeIndex];
      if (!drawn || hiddenNode[nodeIndex]) return;
      if (fontSize(drawn) * scale >= LABEL_THRESHOLD) return;  // vis draws this label itself
      drawName(ctx, drawn, shorten(data.nodes[nodeIndex][NODE_NAME], 32), scale, false, taken);
    });
  });

  network.on("afterDrawing", function (ctx) {
    if (!highlight) return;
    var body = network.body;
    var topLeft = network.DOMtoCanvas({ x: 0, y: 0 });
    var bottomRight = network.DOMtoCanvas({ x: container.clientWidth, y: container.clientHeight });
    ctx.save();
    ctx.fillStyle = "rgba(255,255,255,0.8)";
    ctx.fillRect(topLeft.x, topLeft.y, bottomRight.x - topLeft.x, bottomRight.y - topLeft.y);
    ctx.restore();
    highlight.edges.forEach(function (edgeIndex) {
      var drawn = body.edges[edgeIndex];
      if (drawn && isEdgeVisible(edgeIndex)) {
        drawn.draw(ctx);
        drawn.drawArrows(ctx);
      }
    });
    var scale = network.getScale();
    // Shapes first, then names (the centre's first, then by paper count) so names are not covered
    // by shapes; names that would overlap one already drawn are left to the tooltip and the panel.
    var names = [];
    highlight.nodes.forEach(function (nodeIndex) {
      var drawn = body.nodes[nodeIndex];
      if (!drawn || nodeItemHidden(nodeIndex)) return;
      names.push([nodeIndex, drawn, drawn.draw(ctx)]);
    });
    var taken = [];
    names.forEach(function (entry) {
      var nodeIndex = entry[0], drawn = entry[1], drawing = entry[2];
      if (fontSize(drawn) * scale >= LABEL_THRESHOLD) {  // vis draws this label itself
        if (drawing && drawing.drawExternalLabel) drawing.drawExternalLabel();
        return;
      }
      drawName(ctx, drawn, shorten(data.nodes[nodeIndex][NODE_NAME], 48), scale, nodeIndex === highlight.centre, taken);
    });
  });

  // ---- filters ---------------------------------------------------------------------------
  var typeVisible = LABELS.map(function () { return true; });
  var relVisible = RELS.map(function () { return true; });
  var minPapers = 1;
  var hiddenNode = new Uint8Array(N);
  var hiddenEdge = new Uint8Array(data.edges.length);

  function nodeItemHidden(index) { return hiddenNode[index] === 1; }
  function isEdgeVisible(edgeIndex) {
    var e = data.edges[edgeIndex];
    return !hiddenEdge[edgeIndex] && !hiddenNode[e[EDGE_FROM]] && !hiddenNode[e[EDGE_TO]];
  }

  function applyFilters() {
    var nodeChanges = [];
    for (var n = 0; n < N; n++) {
      var row = data.nodes[n];
      var label = LABELS[row[NODE_LABEL]];
      var hide = !typeVisible[row[NODE_LABEL]] || (label.entity && row[NODE_PAPERS] < minPapers) ? 1 : 0;
      if (hide !== hiddenNode[n]) { hiddenNode[n] = hide; nodeChanges.push({ id: n, hidden: hide === 1 }); }
    }
    var edgeChanges = [];
    for (var e = 0; e < data.edges.length; e++) {
      var hideEdge = relVisible[data.edges[e][EDGE_REL]] ? 0 : 1;
      if (hideEdge !== hiddenEdge[e]) { hiddenEdge[e] = hideEdge; edgeChanges.push({ id: e, hidden: hideEdge === 1 }); }
    }
    if (nodeChanges.length) nodes.update(nodeChanges);
    if (edgeChanges.length) edges.update(edgeChanges);
    if (highlight && hiddenNode[highlight.centre]) { network.unselectAll(); setHighlight(null); showOverview(); }
    showCounts();
  }

  function counts() {
    var visibleNodes = 0, visibleEdges = 0;
    nodes.forEach(function (item) { if (!item.hidden) visibleNodes++; });
    edges.forEach(function (item) {
      if (!item.hidden && !nodes.get(item.from).hidden && !nodes.get(item.to).hidden) visibleEdges++;
    });
    return {
      nodes: visibleNodes,
      edges: visibleEdges,
      drawnNodes: network.body.nodeIndices.length,  // what vis-network itself draws
      drawnEdges: network.body.edgeIndices.length,
      totalNodes: N,
      totalEdges: data.edges.length,
      graphNodes: data.graph.nodes,
      graphEdges: data.graph.edges,
    };
  }

  function showCounts() {
    var c = counts();
    countsBox.textContent = "Showing " + plural(c.nodes, "node") + " and " + plural(c.edges, "link") +
      (c.nodes < data.graph.nodes ? " of the graph’s " + thousands(data.graph.nodes) + " nodes" : "");
  }

  function glyph(shape, colour) {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("width", "14");
    svg.setAttribute("height", "14");
    svg.setAttribute("viewBox", "0 0 14 14");
    svg.setAttribute("aria-hidden", "true");
    var points = {
      square: "2,2 12,2 12,12 2,12", diamond: "7,1 13,7 7,13 1,7", triangle: "7,1 13,12 1,12",
      triangleDown: "1,2 13,2 7,13", hexagon: "4,1.5 10,1.5 13,7 10,12.5 4,12.5 1,7",
    }[shape];
    var mark = document.createElementNS(ns, points ? "polygon" : "circle");
    if (points) mark.setAttribute("points", points);
    else { mark.setAttribute("cx", "7"); mark.setAttribute("cy", "7"); mark.setAttribute("r", "6"); }
    mark.setAttribute("fill", colour);
    mark.setAttribute("stroke", shade(colour, -0.25));
    svg.appendChild(mark);
    return svg;
  }

  function lineGlyph(rel) {
    var ns = "http://www.w3.org/2000/svg";
    var svg = document.createElementNS(ns, "svg");
    svg.setAttribute("width", "26");
    svg.setAttribute("height", "10");
    svg.setAttribute("aria-hidden", "true");
    var line = document.createElementNS(ns, "line");
    line.setAttribute("x1", "1"); line.setAttribute("y1", "5"); line.setAttribute("x2", rel.arrows ? "19" : "25");
    line.setAttribute("y2", "5");
    line.setAttribute("stroke", rel.colour);
    line.setAttribute("stroke-width", String(Math.max(1.5, rel.width)));
    if (rel.dashes) line.setAttribute("stroke-dasharray", rel.dashes.join(" "));
    svg.appendChild(line);
    if (rel.arrows) {
      var head = document.createElementNS(ns, "polygon");
      head.setAttribute("points", "19,1 25,5 19,9");
      head.setAttribute("fill", rel.colour);
      svg.appendChild(head);
    }
    return svg;
  }

  function buildLegend() {
    var types = document.getElementById("kg-legend-types");
    LABELS.forEach(function (label, index) {
      if (!label.drawn && !label.selected) return;
      var box = el("input");
      box.type = "checkbox";
      box.checked = true;
      box.disabled = !label.drawn;
      box.setAttribute("data-kg-type", label.name);
      box.addEventListener("change", function () { typeVisible[index] = box.checked; applyFilters(); });
      var row = append(el("label", label.drawn ? "" : "kg-disabled"), box, glyph(label.shape, label.colour),
                       el("span", "", label.name), el("span", "kg-count", thousands(label.drawn)));
      row.title = label.drawn + " drawn of " + label.total + " in the graph";
      types.appendChild(row);
    });
    var hidden = LABELS.filter(function (label) { return !label.selected && label.total; });
    if (hidden.length) {
      types.appendChild(el("p", "kg-hint", "Not drawn (see --types): " + hidden.map(function (label) {
        return label.name + " (" + thousands(label.total) + ")";
      }).join(", ") + "."));
    }
    var rels = document.getElementById("kg-legend-relationships");
    RELS.forEach(function (rel, index) {
      if (!rel.drawn) return;
      var box = el("input");
      box.type = "checkbox";
      box.checked = true;
      box.setAttribute("data-kg-relationship", rel.name);
      box.addEventListener("change", function () { relVisible[index] = box.checked; applyFilters(); });
      rels.appendChild(append(el("label"), box, lineGlyph(rel), el("span", "", rel.name.toLowerCase().replace(/_/g, " ")),
                              el("span", "kg-count", thousands(rel.drawn))));
    });
    if (!rels.firstChild) rels.appendChild(el("p", "kg-hint", "No links among the drawn nodes."));

    // The page may be cut at --min-papers N: the slider starts there, not at 1.
    var floorPapers = Math.max(1, Number(data.selection.minPapers) || 1);
    minPapers = floorPapers;
    minPapersInput.min = String(floorPapers);
    minPapersInput.max = String(Math.max(maxPapers, floorPapers));
    minPapersInput.value = String(floorPapers);
    minPapersValue.textContent = String(floorPapers);
    minPapersInput.disabled = maxPapers <= floorPapers;
    minPapersInput.addEventListener("input", function () {
      minPapers = Number(minPapersInput.value) || floorPapers;
      minPapersValue.textContent = String(minPapers);
      applyFiltersSoon();
    });
    physicsBox.checked = data.physics;
    physicsBox.addEventListener("change", function () { network.setOptions({ physics: { enabled: physicsBox.checked } }); });
    document.getElementById("kg-fit").addEventListener("click", function () { network.fit({ animation: false }); });
  }

  var filterTimer = null;
  function applyFiltersSoon() {
    if (filterTimer) clearTimeout(filterTimer);
    filterTimer = setTimeout(function () { filterTimer = null; applyFilters(); }, 60);
  }

  // ---- search ----------------------------------------------------------------------------
  var searchKeys = new Array(N);
  for (var s = 0; s < N; s++) {
    var detail = data.details[s];
    var names = [data.nodes[s][NODE_NAME]].concat(detail.aliases || []);
    searchKeys[s] = names.map(function (name) { return name.toLowerCase(); });
  }

  function search(query, limit) {
    var q = query.trim().toLowerCase();
    if (!q) return [];
    var found = [];
    for (var n = 0; n < N; n++) {
      if (hiddenNode[n]) continue;
      var keys = searchKeys[n];
      var best = 9, via = -1;
      for (var k = 0; k < keys.length; k++) {
        var at = keys[k].indexOf(q);
        if (at < 0) continue;
        // exact, then prefix, then a word start, then anywhere; the name beats an alias
        var rank = (keys[k] === q ? 0 : at === 0 ? 2 : /\W/.test(keys[k].charAt(at - 1)) ? 4 : 6) + (k ? 1 : 0);
        if (rank < best) { best = rank; via = k; }
      }
      if (via >= 0) found.push({ index: n, rank: best, alias: via > 0 ? data.details[n].aliases[via - 1] : null });
    }
    found.sort(function (x, y) {
      return x.rank - y.rank || data.nodes[y.index][NODE_PAPERS] - data.nodes[x.index][NODE_PAPERS] ||
        data.nodes[x.index][NODE_NAME].localeCompare(data.nodes[y.index][NODE_NAME]);
    });
    return found.slice(0, limit || 12);
  }

  var searchMatches = [];
  var activeMatch = 0;
  function renderMatches() {
    clear(searchList);
    if (!searchInput.value.trim()) { searchList.hidden = true; return; }
    if (!searchMatches.length) {
      searchList.appendChild(el("li", "kg-empty", "No drawn node matches (check the filters)."));
    }
    searchMatches.forEach(function (match, position) {
      var row = data.nodes[match.index];
      var label = LABELS[row[NODE_LABEL]];
      var item = append(el("li", position === activeMatch ? "kg-active" : ""), glyph(label.shape, label.colour),
                        el("span", "", shorten(row[NODE_NAME], 80)),
                        match.alias ? el("span", "kg-match-alias", "alias: " + match.alias) : null,
                        el("span", "kg-match-type", label.entity ? label.name + " · " + row[NODE_PAPERS] : label.name));
      item.setAttribute("role", "option");
      item.addEventListener("mousedown", function (event) { event.preventDefault(); choose(match.index); });
      searchList.appendChild(item);
    });
    searchList.hidden = false;
  }
  function choose(index) {
    searchList.hidden = true;
    searchInput.blur();
    selectNode(index, true);
  }
  var searchTimer = null;
  searchInput.addEventListener("input", function () {
    if (searchTimer) clearTimeout(searchTimer);
    searchTimer = setTimeout(function () {
      searchMatches = search(searchInput.value);
      activeMatch = 0;
      renderMatches();
    }, 60);
  });
  searchInput.addEventListener("keydown", function (event) {
    if (event.key === "Enter") {
      if (searchTimer) { clearTimeout(searchTimer); searchTimer = null; searchMatches = search(searchInput.value); }
      if (searchMatches.length) choose(searchMatches[Math.min(activeMatch, searchMatches.length - 1)].index);
      event.preventDefault();
    } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      if (!searchMatches.length) return;
      activeMatch = (activeMatch + (event.key === "ArrowDown" ? 1 : searchMatches.length - 1)) % searchMatches.length;
      renderMatches();
      event.preventDefault();
    } else if (event.key === "Escape") {
      searchList.hidden = true;
    }
  });
  searchInput.addEventListener("blur", function () { setTimeout(function () { searchList.hidden = true; }, 150); });
  searchInput.addEventListener("focus", function () { if (searchMatches.length) renderMatches(); });

  // ---- selection and the side panel ------------------------------------------------------
  function selectNode(index, focus) {
    if (hiddenNode[index]) { network.unselectAll(); setHighlight(null); showDetails(index); return; }
    network.selectNodes([index]);
    setHighlight(index);
    if (focus) showNodes(highlight.nodes.filter(function (n) { return !hiddenNode[n]; }));
    showDetails(index);
  }

  // Bring nodes into view with room for their names, zooming in no further than 1.2. (Not
  // network.fit, which re-measures every node first: slow on big graphs.)
  function showNodes(indices) {
    var minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    indices.forEach(function (n) {
      var drawn = network.body.nodes[n];
      minX = Math.min(minX, drawn.x); maxX = Math.max(maxX, drawn.x);
      minY = Math.min(minY, drawn.y); maxY = Math.max(maxY, drawn.y);
    });
    var scale = Math.min(1.2, 0.75 * Math.min(container.clientWidth / Math.max(maxX - minX, 1),
                                              container.clientHeight / Math.max(maxY - minY, 1)));
    network.moveTo({ position: { x: (minX + maxX) / 2, y: (minY + maxY) / 2 }, scale: scale,
                     animation: { duration: 300, easingFunction: "easeInOutQuad" } });
  }

  network.on("click", function (params) {
    if (params.nodes.length) selectNode(params.nodes[0], false);
    else if (!params.edges.length) { network.unselectAll(); setHighlight(null); showOverview(); }
  });

  function nodeLink(name, index, labelIndex) {
    if (index < 0) {
      var plain = el("span", "kg-chip kg-undrawn", name);
      plain.title = "not drawn on this page";
      return plain;
    }
    var button = el("button", "kg-chip");
    button.type = "button";
    if (labelIndex !== undefined) append(button, glyph(LABELS[labelIndex].shape, LABELS[labelIndex].colour), " ");
    append(button, name);
    button.addEventListener("click", function () { selectNode(index, true); });
    return button;
  }

  // A link-looking span that wraps like text (a <button> would not) and works from the keyboard.
  function action(text, onActivate) {
    var link = el("span", "kg-link", text);
    link.setAttribute("role", "button");
    link.tabIndex = 0;
    link.addEventListener("click", onActivate);
    link.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " ") { event.preventDefault(); onActivate(); }
    });
    return link;
  }

  function paperLink(paperIndex) {
    var paper = data.papers[paperIndex];
    return action(paper.title, function () {
      if (paper.node >= 0) selectNode(paper.node, true);
      else showPaper(paperIndex, null);
    });
  }

  function paperMeta(paper) {
    return [paper.year, paper.venue].filter(function (x) { return x !== null && x !== undefined && x !== ""; }).join(" · ");
  }

  function section(title) {
    var box = el("section");
    box.appendChild(el("h3", "", title));
    panel.appendChild(box);
    return box;
  }

  function header(labelIndex, name) {
    var label = LABELS[labelIndex];
    var badge = el("span", "kg-badge", label.name);
    badge.style.background = shade(label.colour, -0.1);
    panel.appendChild(badge);
    var title = el("h2", "", name);
    title.id = "kg-panel-name";
    panel.appendChild(title);
  }

  // "3–10 x", "87.3 %": the value as a number, a range when the result has a value_high
  function resultValue(result) {
    if (result.value === null || result.value === undefined) return "";
    var number = String(result.value);
    if (result.value_high !== null && result.value_high !== undefined) number += "–" + String(result.value_high);
    return number + (result.unit ? " " + result.unit : "");
  }

  function resultLine(resultIndex, withPaper) {
    var result = data.results[resultIndex];
    var item = el("li");
    item.className = "kg-result";
    var headline = el("strong", "", result.text || resultValue(result));
    append(item, headline);
    var about = [];
    ["Metric", "Method", "Dataset", "Hardware"].forEach(function (labelName) {
      var link = result.about[labelName];
      if (link) about.push([labelName, link]);
    });
    if (result.qualifier) append(item, " ", el("span", "kg-muted", "(" + result.qualifier + ")"));
    var facts = el("div", "kg-meta kg-result-facts");
    var value = resultValue(result);
    if (value) append(facts, el("span", "kg-result-value", "value " + value));
    if (result.confidence !== null && result.confidence !== undefined) {
      var sure = el("span", "kg-result-confidence", "confidence " + Number(result.confidence).toFixed(2));
      sure.title = "how surely the metric and the method were attached to this number";
      append(facts, value ? " · " : null, sure);
    }
    if (facts.childNodes.length) item.appendChild(facts);
    if (about.length || (result.metric_text && !result.about.Metric)) {
      var chips = el("div", "kg-chips");
      about.forEach(function (pair) {
        chips.appendChild(nodeLink(pair[1][0], pair[1][1], labelIndexOf(pair[0])));
      });
      if (result.metric_text && !result.about.Metric) {
        // what the number measures, as written, when no Metric entity names it
        var free = el("span", "kg-free-metric", result.metric_text);
        free.title = "metric as free text (no Metric entity)";
        append(chips, free, " ", el("span", "kg-muted", "(free text)"));
      }
      item.appendChild(chips);
    }
    if (result.evidence >= 0) item.appendChild(el("blockquote", "", data.sentences[result.evidence]));
    if (withPaper && result.paper >= 0) append(item, el("span", "kg-source", "— "), paperLink(result.paper));
    return item;
  }

  var PLURALS = { Method: "methods", Dataset: "datasets", Hardware: "hardware", Metric: "metrics", Task: "tasks" };

  function labelIndexOf(name) {
    for (var i = 0; i < LABELS.length; i++) if (LABELS[i].name === name) return i;
    return -1;
  }

  function showDetails(index) {
    var row = data.nodes[index];
    var detail = data.details[index];
    if (detail.paper !== undefined) { showPaper(detail.paper, detail); return; }
    clear(panel);
    panel.scrollTop = 0;
    if (detail.result !== undefined) {
      header(row[NODE_LABEL], row[NODE_NAME]);
      var list = el("ul");
      list.appendChild(resultLine(detail.result, true));
      section("Result").appendChild(list);
      return;
    }
    header(row[NODE_LABEL], row[NODE_NAME]);
    if (hiddenNode[index]) panel.appendChild(el("p", "kg-notice", "Hidden by the current filters."));
    if (detail.aliases.length) panel.appendChild(el("p", "kg-meta", "Also written: " + detail.aliases.join(", ")));
    panel.appendChild(el("p", "kg-meta", "Mentioned in " + plural(row[NODE_PAPERS], "paper") + "."));

    var papersBox = section("Papers (" + detail.papers.length + ")");
    var paperList = el("ul");
    detail.papers.forEach(function (paperIndex) {
      var paper = data.papers[paperIndex];
      var item = append(el("li"), paperLink(paperIndex));
      var meta = paperMeta(paper);
      if (meta) append(item, " ", el("span", "kg-muted", meta));
      paperList.appendChild(item);
    });
    papersBox.appendChild(paperList);

    if (detail.results.length) {
      var resultList = el("ul");
      detail.results.forEach(function (resultIndex) { resultList.appendChild(resultLine(resultIndex, true)); });
      section("Results (" + detail.results.length + ")").appendChild(resultList);
    }

    if (detail.relations.length) {
      var relBox = section("Relations");
      var relList = el("ul");
      detail.relations.forEach(function (relation) {
        var rel = RELS[relation[0]];
        var words = rel.name.toLowerCase().replace(/_/g, " ");
        var item = el("li");
        append(item, relation[1] > 0 ? words + " " : "← " + words + " ", nodeLink(relation[2], relation[3]),
               relation[4] > 1 ? el("span", "kg-muted", " ×" + relation[4]) : null);
        relation[5].forEach(function (quote) {
          var block = el("blockquote", "", data.sentences[quote[1]]);
          if (quote[0] >= 0) append(block, el("span", "kg-source", "— " + data.papers[quote[0]].title));
          item.appendChild(block);
        });
        relList.appendChild(item);
      });
      relBox.appendChild(relList);
    }

    if (detail.evidence.length) {
      var evidenceBox = section("Evidence");
      detail.evidence.forEach(function (quote) {
        var block = el("blockquote", "", data.sentences[quote[1]]);
        if (quote[0] >= 0) append(block, el("span", "kg-source", "— " + data.papers[quote[0]].title));
        evidenceBox.appendChild(block);
      });
      if (detail.moreEvidence) evidenceBox.appendChild(el("p", "kg-muted", "… and " + detail.moreEvidence + " more sentences."));
    }
  }

  function showPaper(paperIndex, detail) {
    var paper = data.papers[paperIndex];
    clear(panel);
    panel.scrollTop = 0;
    header(labelIndexOf("Paper"), paper.title);
    var meta = paperMeta(paper);
    if (meta) panel.appendChild(el("p", "kg-meta", meta));
    if (paper.authors.length) panel.appendChild(el("p", "kg-meta", shorten(paper.authors.join(", "), 400)));
    if (paper.url && /^https?:\/\//i.test(paper.url)) {
      var link = el("a", "", paper.url);
      link.href = paper.url;
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      panel.appendChild(append(el("p"), link));
    }
    if (paper.node < 0) panel.appendChild(el("p", "kg-notice", "This paper is not drawn on this page."));
    if (detail && detail.entities.length) {
      var box = section("Entities (" + detail.entities.length + ")");
      var chips = el("div", "kg-chips");
      detail.entities.forEach(function (entity) {
        var chip = nodeLink(entity[1], entity[2], entity[0]);
        chip.title = RELS[entity[3]].name + (entity[4] >= 0 ? ": " + data.sentences[entity[4]] : "");
        chips.appendChild(chip);
      });
      box.appendChild(chips);
    }
    if (detail && detail.results.length) {
      var resultList = el("ul");
      detail.results.forEach(function (resultIndex) { resultList.appendChild(resultLine(resultIndex, false)); });
      section("Results (" + detail.results.length + ")").appendChild(resultList);
    }
    if (paper.abstract) section("Abstract").appendChild(el("p", "kg-abstract", paper.abstract));
  }

  function showOverview() {
    clear(panel);
    var sel = data.selection;
    panel.appendChild(el("h2", "", "Overview"));
    panel.appendChild(el("p", "kg-meta", "The graph has " + plural(data.graph.nodes, "node") + " and " +
      plural(data.graph.edges, "relationship") + ". This page draws " + plural(N, "node") + " (" +
      sel.types.join(", ") + (sel.minPapers > 1 ? "; entities in at least " + sel.minPapers + " papers" : "") +
      ") and " + plural(data.edges.length, "link") + "."));
    var source = sel.source || "SNAPSHOT_DIR";
    if (/[^\w\/.\-]/.test(source)) source = "'" + source.replace(/'/g, "'\\''") + "'";  // shell-quoted
    var command = "kg export html " + source + " -o graph.html";
    if (sel.truncated) {
      var notice = el("div", "kg-notice");
      append(notice, el("strong", "", "Too many nodes to draw usefully. "),
             "The selected types have " + thousands(sel.candidates) + " nodes; this page shows the top " +
             thousands(sel.maxNodes) + " (most papers first, then most links). To change the cut-off, " +
             "make the page again with ", el("code", "", command + " --max-nodes " + Math.max(sel.candidates, sel.maxNodes * 2)),
             ", or focus it with ", el("code", "", "--types Hardware,Method"), " or ", el("code", "", "--min-papers 2"), ".");
      panel.appendChild(notice);
    } else if (!N) {
      panel.appendChild(append(el("div", "kg-notice"), "Nothing to draw with these options. Try ",
                               el("code", "", command + " --types all"), "."));
    }
    if (data.startView !== "graph") {
      panel.appendChild(append(el("div", "kg-notice"), el("strong", "", "A big graph. "),
        "This page draws " + plural(N, "node") + " (more than " + thousands(data.overviewThreshold) +
        "), so it opens on the matrices; the timeline and leaderboards are in the tabs above. The Graph tab " +
        "shows the whole drawing."));
    }
    if (!data.physics && N) {
      panel.appendChild(el("p", "kg-hint", "Physics is off for pages over " + data.physicsThreshold +
        " nodes (positions were computed when the page was made); tick Physics to switch it on."));
    }
    var shown = 0;
    LABELS.forEach(function (label, labelIndex) {
      if (!label.entity || !label.drawn) return;
      var top = [];
      for (var n = 0; n < N; n++) if (data.nodes[n][NODE_LABEL] === labelIndex) top.push(n);
      top.sort(function (x, y) { return data.nodes[y][NODE_PAPERS] - data.nodes[x][NODE_PAPERS] || x - y; });
      var box = section("Top " + PLURALS[label.name]);
      var list = el("ul");
      top.slice(0, 8).forEach(function (n) {
        var link = action(data.nodes[n][NODE_NAME], function () { selectNode(n, true); });
        list.appendChild(append(el("li"), link, " ", el("span", "kg-muted", plural(data.nodes[n][NODE_PAPERS], "paper"))));
      });
      box.appendChild(list);
      shown++;
    });
    var help = section("How to use");
    var tips = el("ul");
    ["Search a name or alias above; Enter jumps to the best match.",
     "Click a node for its papers, evidence and results; its neighbours stay highlighted.",
     "Untick types or links on the left, or raise the paper count, to thin the drawing.",
     "Scroll to zoom, drag the background to pan."].forEach(function (tip) { tips.appendChild(el("li", "", tip)); });
    help.appendChild(tips);
    help.appendChild(append(el("p", "kg-hint"), "Make a focused page: ",
      el("code", "", command + " --types Hardware,Method --min-papers 2")));
  }

  // ---- views: matrices, timeline, leaderboards ---------------------------------------------
  // They cover the whole graph (not only the drawn nodes) and sit over the drawing, which stays
  // alive underneath, so the Graph tab is one click away and works as before.
  var VIEWS = data.views;
  var tabs = Array.prototype.slice.call(document.querySelectorAll("#kg-tabs button"));
  var viewBoxes = {
    matrix: document.getElementById("kg-view-matrix"),
    timeline: document.getElementById("kg-view-timeline"),
    leaderboard: document.getElementById("kg-view-leaderboard"),
  };
  var renderedViews = {};
  var currentView = "graph";

  function showView(name) {
    if (name !== "graph" && !viewBoxes[name]) name = "graph";
    currentView = name;
    tabs.forEach(function (tab) {
      tab.setAttribute("aria-selected", tab.getAttribute("data-kg-tab") === name ? "true" : "false");
    });
    Object.keys(viewBoxes).forEach(function (key) { viewBoxes[key].hidden = key !== name; });
    if (name !== "graph" && !renderedViews[name]) {
      RENDERERS[name](viewBoxes[name]);
      renderedViews[name] = true;
    }
    document.body.setAttribute("data-kg-view", name);
  }
  tabs.forEach(function (tab) {
    tab.addEventListener("click", function () { showView(tab.getAttribute("data-kg-tab")); });
  });

  function quoteList(box, evidence) {
    evidence.forEach(function (quote) {
      var block = el("blockquote", "", quote[1] >= 0 ? data.sentences[quote[1]] : "(no sentence recorded)");
      if (quote[0] >= 0) append(block, el("span", "kg-source", "— "), paperLink(quote[0]));
      box.appendChild(block);
    });
  }

  function showCell(matrix, cell) {
    var row = matrix.rows[cell[0]], column = matrix.columns[cell[1]];
    clear(panel);
    panel.scrollTop = 0;
    var badge = el("span", "kg-badge", matrix.name);
    badge.style.background = "#52606d";
    panel.appendChild(badge);
    var title = el("h2", "", row[0] + " × " + column[0]);
    title.id = "kg-panel-name";
    panel.appendChild(title);
    var chips = el("div", "kg-chips");
    append(chips, nodeLink(row[0], row[1], row[2]), nodeLink(column[0], column[1], column[2]));
    panel.appendChild(chips);
    panel.appendChild(el("p", "kg-meta", plural(cell[2], "paper") + " link them" +
      (cell[3].length < cell[2] ? "; the first " + cell[3].length + " are quoted." : ".")));
    quoteList(section("Evidence"), cell[3]);
  }

  function renderMatrix(box) {
    box.appendChild(el("h2", "", "Matrices"));
    box.appendChild(el("p", "kg-hint", "A cell counts the papers that link the two: a relation read from a sentence, " +
      "a result about both, or a paper that proposes the method and uses the other. Click a cell for its evidence."));
    VIEWS.matrices.forEach(function (matrix) {
      box.appendChild(el("h2", "", matrix.name));
      box.appendChild(el("p", "kg-hint", plural(matrix.cells.length, "linked pair") + " among the top " +
        matrix.rows.length + " of " + thousands(matrix.rowsTotal) + " " + matrix.rowLabel.toLowerCase() +
        " rows and " + matrix.columns.length + " of " + thousands(matrix.columnsTotal) + " columns."));
      if (!matrix.cells.length) return;
      var max = 1;
      matrix.cells.forEach(function (cell) { if (cell[2] > max) max = cell[2]; });
      var byPosition = {};
      matrix.cells.forEach(function (cell) { byPosition[cell[0] + ":" + cell[1]] = cell; });
      var table = el("table", "kg-matrix");
      table.setAttribute("data-kg-matrix", matrix.name);
      var head = el("thead"), headRow = el("tr");
      headRow.appendChild(el("th"));
      matrix.columns.forEach(function (column) {
        var th = el("th");
        th.appendChild(column[1] >= 0 ? action(shorten(column[0], 28), function () { selectNode(column[1], true); })
          : el("span", "kg-muted", shorten(column[0], 28)));
        th.title = column[0] + " · " + plural(column[3], "paper");
        headRow.appendChild(th);
      });
      head.appendChild(headRow);
      table.appendChild(head);
      var body = el("tbody");
      var colour = LABELS[matrix.rows.length ? matrix.rows[0][2] : 0].colour;
      matrix.rows.forEach(function (row, r) {
        var tr = el("tr");
        var th = el("th");
        th.appendChild(row[1] >= 0 ? action(shorten(row[0], 36), function () { selectNode(row[1], true); })
          : el("span", "kg-muted", shorten(row[0], 36)));
        th.title = row[0] + " · " + plural(row[3], "paper");
        tr.appendChild(th);
        matrix.columns.forEach(function (column, c) {
          var cell = byPosition[r + ":" + c];
          var td = el("td");
          if (cell) {
            td.className = "kg-cell";
            td.textContent = String(cell[2]);
            td.setAttribute("data-kg-count", String(cell[2]));
            td.tabIndex = 0;
            td.style.background = shade(colour, 0.7 * (1 - Math.sqrt(cell[2] / max)));
            td.title = row[0] + " × " + column[0] + ": " + plural(cell[2], "paper");
            var open = function () { showCell(matrix, cell); };
            td.addEventListener("click", open);
            td.addEventListener("keydown", function (event) {
              if (event.key === "Enter" || event.key === " ") { event.preventDefault(); open(); }
            });
          }
          tr.appendChild(td);
        });
        body.appendChild(tr);
      });
      table.appendChild(body);
      box.appendChild(table);
    });
  }

  function entities(n, prefix) { return thousands(n) + " " + prefix + (n === 1 ? "entity" : "entities"); }

  function renderTimeline(box) {
    var timeline = VIEWS.timeline;
    box.appendChild(el("h2", "", "Timeline: entities by the " + timeline.unit + " they were first seen"));
    box.appendChild(el("p", "kg-hint", timeline.periods.length ?
      "From the dates of their papers (page dates, or the date and year fields of the inputs); most papers first." +
      (timeline.undated ? " " + entities(timeline.undated, "") + " without a dated paper are left out." : "")
      : "No paper in this graph has a date, so there is no timeline. Give dates with the inputs (see the README)."));
    var largest = 1;
    timeline.periods.forEach(function (period) { if (period.total > largest) largest = period.total; });
    timeline.periods.forEach(function (period) {
      var row = el("div", "kg-timeline-period");
      row.setAttribute("data-kg-period", period.period);
      var side = el("div");
      side.appendChild(el("h3", "", period.period));
      side.appendChild(el("span", "kg-muted", entities(period.total, "new ")));
      var bar = el("div", "kg-timeline-bar");
      bar.style.width = Math.max(4, Math.round(100 * period.total / largest)) + "%";
      side.appendChild(bar);
      var chips = el("div", "kg-chips");
      period.entities.forEach(function (entity) {
        var chip = nodeLink(entity[0] + " · " + entity[3], entity[1], entity[2]);
        chip.setAttribute("data-kg-entity", entity[0]);
        chip.title = LABELS[entity[2]].name + ", first seen " + entity[4] + ", " + plural(entity[3], "paper");
        chips.appendChild(chip);
      });
      if (period.total > period.entities.length) {
        chips.appendChild(el("span", "kg-muted", "… and " + (period.total - period.entities.length) + " more"));
      }
      append(row, side, chips);
      box.appendChild(row);
    });
  }

  function showBoardRow(board, row) {
    clear(panel);
    panel.scrollTop = 0;
    var badge = el("span", "kg-badge", "Result");
    badge.style.background = shade(LABELS[labelIndexOf("Result")].colour, -0.1);
    panel.appendChild(badge);
    var title = el("h2", "", row[2]);
    title.id = "kg-panel-name";
    panel.appendChild(title);
    panel.appendChild(el("p", "kg-meta", (row[0] || "(no method)") + " · " + boardMetric(board) +
      (board.unit ? " [" + board.unit + "]" : "")));
    if (row[7]) panel.appendChild(el("p", "kg-notice", "Uncertain attachment: " + row[7] + "."));
    if (row[6]) panel.appendChild(el("p", "kg-notice", "A change against a baseline, not a score: not ranked."));
    quoteList(section("Evidence"), [[row[3], row[4]]]);
  }

  // a board's metric: a Metric entity's name, or free text ("performance") marked as such
  function boardMetric(board) {
    if (!board.metric) return "(no metric)";
    return board.free_text ? "\u201c" + board.metric + "\u201d (free text)" : board.metric;
  }

  function renderBoards(box, entry) {
    clear(box);
    entry.boards.forEach(function (board) {
      var direction = { higher: "higher is better", lower: "lower is better" }[board.direction] ||
        "direction unknown: not ranked";
      box.appendChild(el("h2", "", boardMetric(board) + (board.unit ? " [" + board.unit + "]" : "") +
        " — " + direction));
      var table = el("table", "kg-board" + (board.free_text ? " kg-free-text" : ""));
      table.setAttribute("data-kg-board", board.metric || "");
      var head = el("tr");
      ["#", "method", "result", "paper", ""].forEach(function (name) { head.appendChild(el("th", "", name)); });
      table.appendChild(append(el("thead"), head));
      var body = el("tbody");
      board.rows.forEach(function (row) {
        var tr = el("tr", "kg-row" + (row[7] ? " kg-uncertain" : ""));
        var rank = row[5] !== null && row[5] !== undefined ? String(row[5]) : (row[6] ? "~" : "–");
        var cellRank = el("td", "kg-rank", rank);
        if (row[6]) cellRank.title = "a change against a baseline, not ranked";
        var method = el("td");
        method.appendChild(row[0] ? nodeLink(row[0], row[1], labelIndexOf("Method")) : el("span", "kg-muted", "(no method)"));
        var result = el("td");
        result.appendChild(action(row[2], function () { showBoardRow(board, row); }));
        var paperCell = el("td");
        if (row[3] >= 0) paperCell.appendChild(paperLink(row[3]));
        var mark = el("td", "kg-muted", row[7] ? "? " + row[7] : "");
        append(tr, cellRank, method, result, paperCell, mark);
        body.appendChild(tr);
      });
      table.appendChild(body);
      box.appendChild(table);
      if (board.more) box.appendChild(el("p", "kg-muted", "… and " + board.more + " more results."));
    });
  }

  function renderLeaderboard(box) {
    box.appendChild(el("h2", "", "Leaderboards"));
    if (!VIEWS.leaderboards.length) {
      box.appendChild(el("p", "kg-hint", "No result in this graph is tied to a dataset."));
      return;
    }
    box.appendChild(el("p", "kg-hint", "Reported results per dataset, one table per metric and unit, best first where " +
      "the metric's direction is known. ~ marks a change against a baseline (not ranked); ? marks an uncertain " +
      "attachment (shown, not hidden). Click a result for its sentence."));
    var picker = el("select");
    picker.id = "kg-leaderboard-dataset";
    picker.setAttribute("aria-label", "Dataset");
    VIEWS.leaderboards.forEach(function (entry, index) {
      var option = el("option", "", entry.dataset + " (" + plural(entry.results, "result") + ")");
      option.value = String(index);
      picker.appendChild(option);
    });
    var boards = el("div");
    boards.id = "kg-leaderboard-boards";
    picker.addEventListener("change", function () { renderBoards(boards, VIEWS.leaderboards[Number(picker.value)]); });
    append(box, append(el("label", "kg-meta"), "Dataset: ", picker), boards);
    renderBoards(boards, VIEWS.leaderboards[0]);
  }

  var RENDERERS = { matrix: renderMatrix, timeline: renderTimeline, leaderboard: renderLeaderboard };

  // ---- colours ---------------------------------------------------------------------------
  function shade(hex, amount) {
    var value = parseInt(hex.slice(1), 16);
    var channels = [(value >> 16) & 255, (value >> 8) & 255, value & 255].map(function (c) {
      var shaded = amount < 0 ? c * (1 + amount) : c + (255 - c) * amount;
      return Math.max(0, Math.min(255, Math.round(shaded)));
    });
    return "#" + channels.map(function (c) { return (c < 16 ? "0" : "") + c.toString(16); }).join("");
  }

  buildLegend();
  showCounts();
  showOverview();
  showView(data.startView);

  window.kgExplorer = {
    network: network,
    nodes: nodes,
    edges: edges,
    counts: counts,
    search: function (query) {
      return search(query).map(function (m) { return data.nodes[m.index][NODE_ID]; });
    },
    select: function (id) {
      for (var n = 0; n < N; n++) if (data.nodes[n][NODE_ID] === id) { selectNode(n, true); return true; }
      return false;
    },
    selected: function () {
      var chosen = network.getSelectedNodes();
      return chosen.length ? data.nodes[chosen[0]][NODE_ID] : null;
    },
    view: function (name) { if (name) showView(name); return currentView; },
    highlighted: function () {
      return highlight ? highlight.nodes.map(function (n) { return data.nodes[n][NODE_ID]; }) : [];
    },
    timings: timings,
  };
})();
