/* Huiguang reports: draws the ECharts of a page from the JSON its template wrote with json_script.
   Each <div class="chart" data-chart="trend|pie|stars|team" data-source="<json id>"> is one chart;
   labels come from data-* attributes (translated by the template). No inline script (CSP). */
(function () {
  "use strict";
  var RED = "#c8102e", GOLD = "#f2a900", GREY = "#6c757d";

  function data(el) {
    var node = document.getElementById(el.dataset.source);
    return node ? JSON.parse(node.textContent) : [];
  }

  var builders = {
    trend: function (el, rows) {
      return {
        color: [RED, GOLD],
        tooltip: { trigger: "axis" },
        legend: { top: 0 },
        grid: { left: 48, right: 48, top: 32, bottom: 28 },
        xAxis: { type: "category", data: rows.map(function (r) { return r.month; }) },
        yAxis: [{ type: "value", name: el.dataset.hours }, { type: "value", name: el.dataset.participations }],
        series: [
          { name: el.dataset.hours, type: "bar", data: rows.map(function (r) { return r.hours; }) },
          { name: el.dataset.participations, type: "line", yAxisIndex: 1, smooth: true,
            data: rows.map(function (r) { return r.participations; }) }
        ]
      };
    },
    pie: function (el, rows) {
      return {
        tooltip: { trigger: "item" },
        series: [{ type: "pie", radius: ["35%", "65%"], avoidLabelOverlap: true,
          label: { fontSize: 11 },
          data: rows.map(function (r) { return { name: r.name, value: r.activities }; }) }]
      };
    },
    stars: function (el, rows) {
      return {
        color: [GOLD],
        tooltip: { trigger: "axis" },
        grid: { left: 48, right: 16, top: 16, bottom: 28 },
        xAxis: { type: "category", data: rows.map(function (r) { return r.star + "★"; }) },
        yAxis: { type: "value" },
        series: [{ name: el.dataset.label, type: "bar", data: rows.map(function (r) { return r.volunteers; }) }]
      };
    },
    team: function (el, rows) {
      return {
        color: [RED, GREY],
        tooltip: { trigger: "axis" },
        legend: { top: 0 },
        grid: { left: 48, right: 48, top: 32, bottom: 28 },
        xAxis: { type: "category", data: rows.map(function (r) { return r.month.slice(5); }) },
        yAxis: [{ type: "value", name: el.dataset.active }, { type: "value", name: el.dataset.hours }],
        series: [
          { name: el.dataset.active, type: "bar", data: rows.map(function (r) { return r.active; }) },
          { name: el.dataset.hours, type: "line", yAxisIndex: 1, data: rows.map(function (r) { return r.hours; }) }
        ]
      };
    }
  };

  var charts = [];
  document.querySelectorAll(".chart[data-chart]").forEach(function (el) {
    var build = builders[el.dataset.chart];
    if (!build || typeof echarts === "undefined") { return; }
    var chart = echarts.init(el);
    chart.setOption(build(el, data(el)));
    charts.push(chart);
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
