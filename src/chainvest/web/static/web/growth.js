/* 发展方向: presence (RCA) against fit (relatedness density) for every link, in the spirit of
   Metroverse. Data comes from the json_script block; a click opens the link's targets. */
(function () {
  "use strict";

  function option(points) {
    function series(name, data, color) {
      return {
        name: name, type: "scatter", data: data, itemStyle: { color: color },
        symbolSize: function (_, p) { return p.data.score ? 6 + p.data.score / 6 : 8; }
      };
    }
    return {
      tooltip: {
        formatter: function (p) {
          var d = p.data;
          var line = d.name + "<br>关联密度 " + d.value[0].toFixed(3) + "，区位商 " + d.value[1].toFixed(2);
          return d.rank ? line + "<br>第 " + d.rank + " 位，得分 " + d.score.toFixed(1) : line;
        }
      },
      legend: { data: ["待发展", "已形成优势"] },
      xAxis: { name: "关联密度", type: "value" },
      yAxis: { name: "区位商 RCA", type: "value" },
      series: [series("待发展", points.absent, "#e6a23c"), series("已形成优势", points.present, "#67c23a")]
    };
  }

  function init() {
    document.querySelectorAll("[data-growth-chart]").forEach(function (el) {
      var source = document.getElementById(el.dataset.source);
      if (!source || !window.echarts) { return; }
      var chart = window.echarts.init(el);
      chart.setOption(option(JSON.parse(source.textContent)));
      chart.on("click", function (p) { if (p.data && p.data.url) { window.location = p.data.url; } });
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
