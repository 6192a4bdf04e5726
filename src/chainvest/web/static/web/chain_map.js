/* The chain map (产业链图谱) graph and the cluster view's chart. Data comes from json_script
   blocks. A click on a graph node goes through the same link-list entry a keyboard user
   activates, so both open the one htmx panel. */
(function () {
  "use strict";

  function readData(el) {
    var source = document.getElementById(el.dataset.source);
    return source ? JSON.parse(source.textContent) : null;
  }

  function listEntry(linkId) {
    return document.querySelector('.link-list a[data-link-id="' + linkId + '"]');
  }

  // The one way a link's panel opens: from the graph, the list, or a test.
  function openLink(linkId) {
    var entry = listEntry(linkId);
    if (entry) { entry.click(); }
  }

  function markSelected(chart, graph, linkId) {
    document.querySelectorAll(".link-list a[aria-current]").forEach(function (a) {
      a.removeAttribute("aria-current");
    });
    var entry = listEntry(linkId);
    if (entry) { entry.setAttribute("aria-current", "true"); }
    var index = graph.nodes.findIndex(function (n) { return n.id === String(linkId); });
    if (chart && index >= 0) {
      chart.dispatchAction({ type: "unselect", seriesIndex: 0,
        dataIndex: graph.nodes.map(function (_, i) { return i; }) });
      chart.dispatchAction({ type: "select", seriesIndex: 0, dataIndex: index });
    }
  }

  function graphOption(graph) {
    var categories = graph.statuses.map(function (s) {
      return { name: s.name, itemStyle: { color: s.color } };
    });
    var position = {};
    graph.statuses.forEach(function (s, i) { position[s.status] = i; });
    categories.push({ name: "未诊断", itemStyle: { color: "#c0c4cc" } });
    return {
      tooltip: { formatter: function (p) {
        if (p.dataType !== "node") { return ""; }
        var d = p.data;
        return d.stage + " · " + d.name + "<br>" + d.statusLabel + "，本地企业 " + d.localCount +
          " 家" + (d.action ? "<br>建议：" + d.action : "");
      } },
      // The page's own legend above the chart carries the counts; ECharts' would repeat it.
      series: [{
        type: "graph", layout: "none", roam: true, zoom: 0.9,
        categories: categories,
        selectedMode: "single",
        select: { itemStyle: { borderColor: "#303133", borderWidth: 3 } },
        edgeSymbol: ["none", "arrow"], edgeSymbolSize: 8,
        label: { show: true, position: "bottom", fontSize: 12 },
        lineStyle: { color: "#909399", curveness: 0.15 },
        emphasis: { focus: "adjacency" },
        data: graph.nodes.map(function (n) {
          var category = n.status in position ? position[n.status] : categories.length - 1;
          return { id: n.id, name: n.name, stage: n.stage, x: n.x, y: n.y, symbolSize: n.size,
            category: category, statusLabel: n.statusLabel, localCount: n.localCount,
            action: n.action, cursor: "pointer" };
        }),
        links: graph.edges.map(function (e) {
          // Flows carry the arrow; the tree (link → sub-link) is a plain dashed line.
          return e.kind === "tree"
            ? { source: e.source, target: e.target, symbol: ["none", "none"],
              lineStyle: { type: "dashed", curveness: 0 } }
            : { source: e.source, target: e.target };
        })
      }]
    };
  }

  function drawMap(el) {
    var graph = readData(el);
    if (!graph || !graph.nodes.length) {
      el.classList.add("chart-empty");
      el.textContent = "暂无环节";
      return;
    }
    var chart = window.echarts.init(el);
    chart.setOption(graphOption(graph));
    chart.on("click", function (p) {
      if (p.dataType === "node") { openLink(p.data.id); }
    });
    document.body.addEventListener("htmx:afterSwap", function (event) {
      if (event.detail.target.id !== "link-panel") { return; }
      var elt = event.detail.requestConfig && event.detail.requestConfig.elt;
      if (elt && elt.dataset.linkId) { markSelected(chart, graph, elt.dataset.linkId); }
    });
    var current = document.querySelector(".link-list a[aria-current]");
    if (current) { markSelected(chart, graph, current.dataset.linkId); }
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function overviewOption(data) {
    return {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, formatter: function (items) {
        var i = items[0].dataIndex;
        return data.chains[i] + "<br>完整度 " + data.completeness[i] + "%<br>" +
          items.map(function (p) { return p.marker + p.seriesName + " " + p.value + " 个"; })
            .join("<br>");
      } },
      legend: { top: 0 },
      grid: { left: 110, right: 30, top: 40, bottom: 20 },
      xAxis: { type: "value", name: "环节(个)", minInterval: 1 },
      yAxis: { type: "category", inverse: true, data: data.chains },
      series: data.series.map(function (s) {
        return { name: s.name, type: "bar", stack: "links", barMaxWidth: 18, data: s.data,
          itemStyle: { color: s.color }, cursor: "pointer" };
      })
    };
  }

  function drawOverview(el) {
    var data = readData(el);
    if (!data || !data.chains.length) { el.classList.add("chart-empty"); el.textContent = "暂无数据"; return; }
    el.style.height = Math.max(240, 60 + data.chains.length * 28) + "px";
    var chart = window.echarts.init(el);
    chart.setOption(overviewOption(data));
    chart.on("click", function (p) { if (data.urls[p.dataIndex]) { window.location.href = data.urls[p.dataIndex]; } });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (!window.echarts) { return; }
    document.querySelectorAll("[data-chain-map]").forEach(drawMap);
    document.querySelectorAll("[data-chain-overview]").forEach(drawOverview);
  });
})();
