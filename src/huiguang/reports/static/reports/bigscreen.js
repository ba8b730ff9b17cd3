/* The big screen: draws the charts from the feed the page was rendered with, then polls the feed
   (data-feed, every data-refresh seconds) and redraws. No inline script (CSP). */
(function () {
  "use strict";
  var body = document.body;
  var GOLD = "#ffd45e", CYAN = "#5fe3c0", AXIS = "#8fa6d6", GRID = "rgba(120,170,255,.15)";
  var trend = echarts.init(document.getElementById("bs-trend"));
  var map = echarts.init(document.getElementById("bs-map"));
  var teams = echarts.init(document.getElementById("bs-teams"));
  var axis = { axisLine: { lineStyle: { color: AXIS } }, splitLine: { lineStyle: { color: GRID } },
    axisLabel: { color: AXIS, fontSize: 13 } };

  function number(n) { return Number(n).toLocaleString("zh-CN"); }

  function draw(feed) {
    var t = document.getElementById("bs-trend").dataset, tm = document.getElementById("bs-teams").dataset;
    trend.setOption({
      color: [GOLD, CYAN], tooltip: { trigger: "axis" },
      legend: { top: 0, textStyle: { color: AXIS, fontSize: 14 } },
      grid: { left: 64, right: 64, top: 40, bottom: 30 },
      xAxis: Object.assign({ type: "category", data: feed.trend.map(function (r) { return r.month; }) }, axis),
      yAxis: [Object.assign({ type: "value", name: t.hours }, axis), Object.assign({ type: "value", name: t.participations }, axis)],
      series: [
        { name: t.hours, type: "bar", data: feed.trend.map(function (r) { return r.hours; }) },
        { name: t.participations, type: "line", smooth: true, yAxisIndex: 1, data: feed.trend.map(function (r) { return r.participations; }) }
      ]
    });
    var lats = feed.sites.map(function (s) { return s.lat; }), lngs = feed.sites.map(function (s) { return s.lng; });
    map.setOption({
      tooltip: { formatter: function (p) { return p.data[2]; } },
      grid: { left: 10, right: 10, top: 10, bottom: 10 },
      xAxis: { type: "value", show: false, scale: true, min: Math.min.apply(null, lngs.concat([121])) - 0.02, max: Math.max.apply(null, lngs.concat([121])) + 0.02 },
      yAxis: { type: "value", show: false, scale: true, min: Math.min.apply(null, lats.concat([30.7])) - 0.02, max: Math.max.apply(null, lats.concat([30.7])) + 0.02 },
      series: [{ type: "effectScatter", symbolSize: 9, rippleEffect: { scale: 3 }, itemStyle: { color: CYAN },
        data: feed.sites.map(function (s) { return [s.lng, s.lat, s.name]; }) }]
    });
    var top = feed.top_teams.slice().reverse();
    teams.setOption({
      color: [GOLD], tooltip: { trigger: "axis" },
      grid: { left: 150, right: 30, top: 10, bottom: 24 },
      xAxis: Object.assign({ type: "value" }, axis),
      yAxis: Object.assign({ type: "category", data: top.map(function (r) { return r.name; }) }, axis),
      series: [{ name: tm.hours, type: "bar", data: top.map(function (r) { return r.hours; }) }]
    });
    document.querySelectorAll("[data-total]").forEach(function (el) { el.textContent = number(feed.totals[el.dataset.total]); });
    document.querySelectorAll("[data-today]").forEach(function (el) { el.textContent = number(feed.today[el.dataset.today]); });
    document.getElementById("bs-updated").textContent = feed.generated_at.slice(11, 16);
    var list = document.getElementById("bs-activities");
    list.replaceChildren();
    feed.activities.forEach(function (a) {
      var li = document.createElement("li"), time = document.createElement("span"), org = document.createElement("span");
      time.className = "bs-time"; time.textContent = a.starts_at;
      org.className = "bs-org"; org.textContent = a.organization + (a.region ? " · " + a.region : "");
      li.append(time, document.createTextNode(a.title + " "), org);
      list.appendChild(li);
    });
    if (!feed.activities.length) {
      var none = document.createElement("li"); none.className = "bs-org"; none.textContent = list.dataset.empty; list.appendChild(none);
    }
  }

  draw(JSON.parse(document.getElementById("feed-data").textContent));
  var seconds = Math.max(10, parseInt(body.dataset.refresh, 10) || 30);
  setInterval(function () {
    fetch(body.dataset.feed, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (feed) { if (feed) { draw(feed); } })
      .catch(function () { /* keep the last figures on screen */ });
  }, seconds * 1000);
  window.addEventListener("resize", function () { trend.resize(); map.resize(); teams.resize(); });
})();
