/* The enterprise profile's relation graph (ECharts). Data comes from a json_script block. */
(function () {
  "use strict";

  // 本企业, 供应商, 客户, 投资方, 对外投资 — the categories' order in enterprises.queries.
  var COLOURS = ["#1890ff", "#13c2c2", "#52c41a", "#faad14", "#722ed1"];

  function option(graph) {
    return {
      tooltip: { formatter: function (p) {
        if (p.dataType === "edge") { return p.data.label; }
        return graph.categories[p.data.category] + " · " + p.data.name +
          (p.data.category ? "<br>点击查看企业画像" : "");
      } },
      legend: { top: 0, data: graph.categories },
      series: [{
        type: "graph", layout: "force", roam: true, draggable: true,
        force: { repulsion: 600, edgeLength: [120, 200] },
        categories: graph.categories.map(function (name, i) {
          return { name: name, itemStyle: { color: COLOURS[i] } };
        }),
        edgeSymbol: ["none", "arrow"], edgeSymbolSize: 8,
        label: { show: true, position: "bottom", width: 160, overflow: "truncate" },
        edgeLabel: { show: true, formatter: function (p) { return p.data.label; }, fontSize: 11 },
        lineStyle: { color: "#909399", curveness: 0.1 },
        data: graph.nodes.map(function (n) {
          return { id: n.id, name: n.name, category: n.category, url: n.url,
            symbolSize: n.category === 0 ? 40 : 24,
            itemStyle: n.archived ? { opacity: 0.4 } : undefined };
        }),
        links: graph.edges.map(function (e) {
          return { source: e.source, target: e.target, label: e.label };
        })
      }]
    };
  }

  function draw(el) {
    var source = document.getElementById(el.dataset.source);
    if (!source || !window.echarts) { return; }
    var graph = JSON.parse(source.textContent);
    var chart = window.echarts.init(el);
    chart.setOption(option(graph));
    chart.on("click", function (p) {
      // Every other enterprise opens its own profile; the centre node is this page.
      if (p.dataType === "node" && p.data.category !== 0 && p.data.url) {
        window.location.href = p.data.url;
      }
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-relation-graph]").forEach(draw);
  });
})();
