/* The bulletin's charts (ECharts, vendored): service hours by unit and the city's days. The data
   is the page's JSON (#bulletin-charts); no inline script (CSP). */
(function () {
  "use strict";
  var source = document.getElementById("bulletin-charts");
  if (!source || !window.echarts) return;
  var data = JSON.parse(source.textContent);
  var charts = [];
  var red = "#c0392b", blue = "#2c7be5";

  function chart(id, option) {
    var el = document.getElementById(id);
    if (!el) return;
    var c = window.echarts.init(el, null, { renderer: "svg" });
    c.setOption(option);
    charts.push(c);
  }

  var units = data.units.slice().sort(function (a, b) { return a[1] - b[1]; });
  var unitsEl = document.getElementById("chart-units");
  if (unitsEl) unitsEl.style.height = Math.max(220, 26 * units.length + 60) + "px";
  chart("chart-units", {
    grid: { left: 8, right: 24, top: 8, bottom: 24, containLabel: true },
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    xAxis: { type: "value", name: data.hoursLabel, nameLocation: "middle", nameGap: 22 },
    yAxis: { type: "category", data: units.map(function (u) { return u[0]; }),
             axisLabel: { width: 110, overflow: "truncate" } },
    series: [{ type: "bar", name: data.hoursLabel, data: units.map(function (u) { return u[1]; }),
               barMaxWidth: 22, itemStyle: { color: red }, label: { show: true, position: "right" } }]
  });
  if (data.days.length) {
    chart("chart-days", {
      grid: { left: 8, right: 8, top: 36, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      xAxis: { type: "category", data: data.days.map(function (d) { return d[0].slice(5); }) },
      yAxis: [{ type: "value", name: data.hoursLabel }, { type: "value", name: data.participationsLabel }],
      series: [
        { type: "line", name: data.hoursLabel, data: data.days.map(function (d) { return d[1]; }),
          smooth: true, itemStyle: { color: red }, areaStyle: { opacity: 0.15 } },
        { type: "bar", name: data.participationsLabel, yAxisIndex: 1,
          data: data.days.map(function (d) { return d[2]; }), barMaxWidth: 16,
          itemStyle: { color: blue, opacity: 0.6 } }
      ]
    });
  }
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
