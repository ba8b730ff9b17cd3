/* Mobilization campaigns: draws the board's ECharts from the JSON the template wrote with
   json_script. Labels come from data-* attributes (translated by the template). No inline script (CSP). */
(function () {
  "use strict";
  var RED = "#c8102e", GOLD = "#f2a900", GREY = "#adb5bd";

  function data(el) {
    var node = document.getElementById(el.dataset.source);
    return node ? JSON.parse(node.textContent) : [];
  }

  var builders = {
    funnel: function (el, rows) {
      rows = rows.filter(function (r) { return r.stage !== "rejected"; });
      return {
        color: [GREY, RED],
        tooltip: { trigger: "axis" },
        legend: { top: 0 },
        grid: { left: 48, right: 16, top: 32, bottom: 28 },
        xAxis: { type: "category", data: rows.map(function (r) { return r.label; }) },
        yAxis: { type: "value" },
        series: [
          { name: el.dataset.target, type: "bar", data: rows.map(function (r) { return r.target; }) },
          { name: el.dataset.actual, type: "bar", data: rows.map(function (r) { return r.actual; }) }
        ]
      };
    },
    days: function (el, rows) {
      return {
        color: [RED, GOLD],
        tooltip: { trigger: "axis" },
        legend: { top: 0 },
        grid: { left: 48, right: 16, top: 32, bottom: 28 },
        xAxis: { type: "category", data: rows.map(function (r) { return r.day; }) },
        yAxis: { type: "value" },
        series: [
          { name: el.dataset.joined, type: "bar", data: rows.map(function (r) { return r.joined; }) },
          { name: el.dataset.deployed, type: "line", smooth: true, data: rows.map(function (r) { return r.deployed; }) }
        ]
      };
    }
  };

  document.querySelectorAll(".campaign-chart").forEach(function (el) {
    if (!window.echarts || !builders[el.dataset.chart]) { return; }
    var chart = window.echarts.init(el);
    chart.setOption(builders[el.dataset.chart](el, data(el)));
    window.addEventListener("resize", function () { chart.resize(); });
  });
})();
