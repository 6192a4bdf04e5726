/* ECharts for the dashboard (the chain map has its own chain_map.js). Data comes from json_script blocks. */
(function () {
  "use strict";

  var PALETTE = ["#1890ff", "#13c2c2", "#52c41a", "#faad14", "#f5222d", "#722ed1", "#eb2f96",
    "#fa8c16", "#2f54eb", "#a0d911"];

  function readData(el) {
    var source = document.getElementById(el.dataset.source);
    if (!source) { return null; }
    var data = JSON.parse(source.textContent);
    return el.dataset.key ? data[el.dataset.key] : data;
  }

  function empty(el) {
    el.classList.add("chart-empty");
    el.textContent = "暂无数据";
  }

  function yi(value) {
    return Number(value.toFixed(2)).toLocaleString("zh-CN");
  }

  var renderers = {
    "units-bar": function (rows) {
      return {
        color: PALETTE,
        tooltip: { trigger: "axis" },
        legend: { top: 0, data: ["协议投资(亿元)", "签约项目(个)"] },
        grid: { left: 50, right: 50, bottom: 60, top: 50 },
        xAxis: { type: "category", data: rows.map(function (r) { return r.label; }),
          axisLabel: { interval: 0, rotate: rows.length > 6 ? 30 : 0 } },
        yAxis: [{ type: "value", name: "亿元" }, { type: "value", name: "个", minInterval: 1 }],
        series: [
          { name: "协议投资(亿元)", type: "bar", barMaxWidth: 36,
            data: rows.map(function (r) { return Number(r.investment_yi.toFixed(2)); }) },
          { name: "签约项目(个)", type: "line", yAxisIndex: 1,
            data: rows.map(function (r) { return r.count; }) }
        ]
      };
    },
    "chain-ring": function (rows) {
      return {
        color: PALETTE,
        tooltip: { trigger: "item", formatter: function (p) {
          return p.name + "<br>" + yi(p.value) + " 亿元（" + p.percent + "%）<br>" +
            p.data.count + " 个项目";
        } },
        legend: { type: "scroll", orient: "vertical", right: 10, top: 20, bottom: 20 },
        series: [{ type: "pie", radius: ["45%", "70%"], center: ["40%", "50%"],
          label: { formatter: "{b}" }, minShowLabelAngle: 8,
          data: rows.map(function (r) {
            return { name: r.label, value: Number(r.investment_yi.toFixed(2)), count: r.count };
          }) }]
      };
    },
    "stage-funnel": function (rows) {
      return {
        color: PALETTE,
        tooltip: { trigger: "item", formatter: "{b}：{c} 个" },
        series: [{ type: "funnel", sort: "none", left: "10%", width: "80%", minSize: "20%",
          label: { formatter: "{b} {c}个" },
          data: rows.map(function (r) { return { name: r.label, value: r.count }; }) }]
      };
    },
    "place-map": function (points) {
      // A schematic: points at their longitude/latitude on a plain grid, no boundaries.
      // Size: signed investment; colour: 落地率 (grey where nothing was signed).
      var most = Math.max.apply(null, points.map(function (p) { return p.investment_yi; }).concat([1]));
      return {
        tooltip: { trigger: "item", formatter: function (p) {
          var d = p.data.point;
          return d.name + "（" + d.kind + "）<br>签约项目 " + d.signed + " 个<br>协议投资 " +
            d.investment + "<br>落地率 " + d.landing + "<br>预警项目 " + d.flagged + " 个（最高：" +
            d.levelLabel + "）<br>点击查看项目";
        } },
        visualMap: { type: "continuous", dimension: 2, min: 0, max: 100, calculable: false,
          orient: "horizontal", left: "center", bottom: 0, itemHeight: 120, text: ["落地率100%", "0%"],
          inRange: { color: ["#f5222d", "#faad14", "#52c41a"] }, outOfRange: { color: "#c0c4cc" } },
        grid: { left: 50, right: 30, bottom: 60, top: 30 },
        xAxis: { type: "value", name: "经度°E", scale: true, splitLine: { lineStyle: { type: "dashed" } } },
        yAxis: { type: "value", name: "纬度°N", scale: true, splitLine: { lineStyle: { type: "dashed" } } },
        series: [{ type: "scatter", cursor: "pointer",
          label: { show: true, position: "right", formatter: function (p) { return p.data.point.name; },
            fontSize: 11 },
          data: points.map(function (d) {
            return { value: [d.x, d.y, d.landingPct === null ? -1 : d.landingPct], point: d,
              symbolSize: 10 + Math.round(30 * Math.sqrt(d.investment_yi / most)),
              symbol: d.kind === "园区" ? "diamond" : "circle", itemStyle: { opacity: 0.85 } };
          }) }]
      };
    },
    "indicator-bars": function (data) {
      if (!data.series.length) { return null; }
      var series = data.series.map(function (s) {
        var percent = s.unit === "%";
        return { name: s.name, type: percent ? "line" : "bar", yAxisIndex: percent ? 1 : 0,
          barMaxWidth: 32, connectNulls: true,
          data: s.values.map(function (v, i) {
            return { value: v, demo: s.demo[i], unit: s.unit };
          }) };
      });
      return {
        color: PALETTE,
        tooltip: { trigger: "axis", formatter: function (items) {
          return items[0].axisValue + items.filter(function (p) { return p.value != null; })
            .map(function (p) {
              return "<br>" + p.seriesName + "：" + p.value + (p.data.demo ? "（示例）" : "");
            }).join("");
        } },
        legend: { top: 0 },
        grid: { left: 50, right: 50, bottom: 30, top: 50 },
        xAxis: { type: "category", data: data.periods },
        yAxis: [{ type: "value", name: "亿元" }, { type: "value", name: "%" }],
        series: series
      };
    },
    "monthly-line": function (rows) {
      return {
        color: ["#f5222d", "#1890ff"],
        tooltip: { trigger: "axis" },
        legend: { top: 0, data: ["协议投资(亿元)", "签约项目(个)"] },
        grid: { left: 50, right: 50, bottom: 30, top: 50 },
        xAxis: { type: "category", data: rows.map(function (r) { return r.month; }) },
        yAxis: [{ type: "value", name: "亿元" }, { type: "value", name: "个", minInterval: 1 }],
        series: [
          { name: "协议投资(亿元)", type: "line", areaStyle: { opacity: 0.15 },
            data: rows.map(function (r) { return Number(r.investment_yi.toFixed(2)); }) },
          { name: "签约项目(个)", type: "bar", yAxisIndex: 1, barMaxWidth: 24,
            data: rows.map(function (r) { return r.count; }) }
        ]
      };
    }
  };

  function draw(el) {
    var render = renderers[el.dataset.chart];
    var data = readData(el);
    var option = render && data && (Array.isArray(data) ? data.length : true) ? render(data) : null;
    if (!option) { empty(el); return; }
    var chart = window.echarts.init(el);
    chart.setOption(option);
    // A point that carries a link (the place map) opens it: the county's or park's projects.
    chart.on("click", function (p) {
      if (p.data && p.data.point && p.data.point.url) { window.location.href = p.data.point.url; }
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function drawAll(root) {
    if (!window.echarts) { return; }
    root.querySelectorAll("[data-chart]").forEach(function (el) {
      if (!window.echarts.getInstanceByDom(el)) { draw(el); }
    });
  }

  document.addEventListener("DOMContentLoaded", function () { drawAll(document); });
  document.addEventListener("htmx:afterSettle", function (event) { drawAll(event.target); });
})();
