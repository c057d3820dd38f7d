// govgrid dashboard, map panel: the villages of the place shown, from the read API's GeoJSON
// (/map/villages), coloured by coverage, disputes or leads in the period; a station's patrol
// checkpoints (/map/checkpoints) on top. ECharts draws the platform's own GeoJSON registered as a map:
// no tiles, nothing from the internet (a closed network is enough). app.js announces each render
// ("govgrid:render"); this panel keeps to itself otherwise.
(function () {
  "use strict";
  const WORDS = {
    "zh-CN": {
      mapTitle: "村（社区）分布图", mapMeasure: "着色", coverage: "民警副书记", disputes: "矛盾纠纷", leads: "群众线索",
      covered: "已配备", lacking: "未配备", checkpoints: "巡逻打卡点", village: "村（社区）", value: "数值",
      unlocated: "另有 {n} 个村（社区）尚无坐标，未在图上显示。", none: "暂无坐标数据。",
      chartLabel: "{n} 个村（社区）的位置，按{measure}着色",
    },
    en: {
      mapTitle: "Map of villages", mapMeasure: "Colour by", coverage: "Police deputy secretary", disputes: "Disputes",
      leads: "Leads", covered: "Covered", lacking: "Lacking", checkpoints: "Patrol checkpoints", village: "Village",
      value: "Value", unlocated: "{n} more villages have no coordinates yet and are not shown.",
      none: "No coordinates yet.", chartLabel: "Locations of {n} villages, coloured by {measure}",
    },
  };
  // Okabe-Ito (safe for colour-blind readers), as the coverage chart: blue covered, orange lacking,
  // and a different symbol for each so that colour is never the only cue. Counts: one hue, lighter to
  // darker, and bigger markers for more.
  const COVERED = "#56B4E9", LACKING = "#E69F00", CHECKPOINT = "#009E73";
  const CLASSES = [
    { name: "0", test: (n) => n === 0, color: "#d9ecf7", size: 8 },
    { name: "1–2", test: (n) => n >= 1 && n <= 2, color: "#8cc4e8", size: 12 },
    { name: "3–5", test: (n) => n >= 3 && n <= 5, color: "#3a8fc9", size: 16 },
    { name: "≥6", test: (n) => n >= 6, color: "#0b5a94", size: 20 },
  ];
  const MAP = "govgrid-villages", FRAME = "govgrid-frame";
  const $ = (id) => document.getElementById(id);
  let chart = null;
  let last = null; // the latest render's context, redrawn when the measure changes

  function words(lang) { return WORDS[lang] || WORDS["zh-CN"]; }

  // ECharts' geo needs regions with an extent: the villages' boundaries, and a frame around every
  // point (invisible, silent) so that villages known only by their point are placed too.
  function geoJson(villages, checkpoints) {
    const points = [...villages.features.map((f) => f.properties.centre), ...checkpoints.map((f) => f.geometry.coordinates)];
    const lons = points.map((p) => p[0]), lats = points.map((p) => p[1]);
    const pad = 0.02;
    const [w, e, s, n] = [Math.min(...lons) - pad, Math.max(...lons) + pad, Math.min(...lats) - pad, Math.max(...lats) + pad];
    const frame = { type: "Feature", properties: { name: FRAME }, geometry: { type: "Polygon", coordinates: [[[w, s], [e, s], [e, n], [w, n], [w, s]]] } };
    const outlines = villages.features
      .filter((f) => f.geometry.type === "Polygon")
      .map((f) => ({ type: "Feature", properties: { name: f.id }, geometry: f.geometry }));
    return { type: "FeatureCollection", features: [frame, ...outlines] };
  }

  // Markers are outlined (light on the dark screen, dark on the printed report): the darkest class stands out.
  function series(villages, measure, w, nameOf, outline) {
    const point = (f) => ({ name: nameOf(f.properties), value: [...f.properties.centre, figure(f, measure)], code: f.id });
    if (measure === "coverage") {
      return [
        { name: w.covered, covered: true, symbol: "circle", color: COVERED },
        { name: w.lacking, covered: false, symbol: "triangle", color: LACKING },
      ].map((c) => ({
        name: c.name, type: "scatter", coordinateSystem: "geo", symbol: c.symbol, symbolSize: 14,
        itemStyle: { color: c.color, borderColor: outline },
        data: villages.features.filter((f) => f.properties.has_deputy_secretary === c.covered).map(point),
      }));
    }
    // A village's lead count the read API suppressed (it could single out an informant): "<3", its own class.
    const hidden = { name: "<" + villages.suppressed_below, test: (n) => n === null, color: "#bdbdbd", size: 10 };
    const classes = villages.features.some((f) => figure(f, measure) === null) ? [hidden, ...CLASSES] : CLASSES;
    return classes.map((c) => ({
      name: c.name, type: "scatter", coordinateSystem: "geo", symbolSize: c.size,
      itemStyle: { color: c.color, borderColor: outline },
      data: villages.features.filter((f) => c.test(figure(f, measure))).map(point),
    }));
  }

  function figure(f, measure) {
    if (measure === "coverage") return f.properties.has_deputy_secretary ? 1 : 0;
    return measure === "disputes" ? f.properties.disputes_received : f.properties.leads_received;
  }

  function draw() {
    if (!last) return;
    const { villages, checkpoints, lang, report } = last;
    const w = words(lang);
    const measure = $("map-measure").value;
    const nameOf = (p) => (lang === "en" ? p.name_en : p.name_zh) || p.code;
    $("map-unlocated").textContent = villages.unlocated ? w.unlocated.replace("{n}", villages.unlocated) : "";
    table(villages, measure, w, nameOf);
    const located = villages.features.length + checkpoints.length;
    $("map-chart").hidden = located === 0;
    $("map-empty").hidden = located > 0;
    $("map-empty").textContent = w.none;
    if (!located) { window.govgridMap = { measure, series: [] }; return; }
    echarts.registerMap(MAP, geoJson(villages, checkpoints));
    chart = chart || echarts.init($("map-chart"), null, { renderer: report ? "svg" : "canvas" });
    const drawn = series(villages, measure, w, nameOf, report ? "#1a1a1a" : "#e6eefc");
    if (checkpoints.length) {
      drawn.push({
        name: w.checkpoints, type: "scatter", coordinateSystem: "geo", symbol: "diamond", symbolSize: 7,
        itemStyle: { color: CHECKPOINT },
        data: checkpoints.map((f) => ({ name: f.properties.grid_code, value: f.geometry.coordinates })),
      });
    }
    const text = { color: report ? "#1a1a1a" : "#e6eefc" };
    chart.setOption({
      animation: false,
      // ECharts' aria labels the chart for screen readers: what it shows, rather than every coordinate.
      aria: { enabled: true, decal: { show: true }, label: { description: w.chartLabel.replace("{n}", villages.features.length).replace("{measure}", w[measure]) } },
      tooltip: { trigger: "item", formatter: (p) => p.name + (measure === "coverage" || p.seriesName === w.checkpoints ? "" : "：" + (p.value[2] ?? "<" + villages.suppressed_below)) },
      legend: { data: drawn.map((s) => s.name), textStyle: text },
      geo: {
        map: MAP, roam: true, silent: true, aspectScale: Math.cos((19.5 * Math.PI) / 180),
        itemStyle: { areaColor: "transparent", borderColor: report ? "#999999" : "#3b5b8f" },
        regions: [{ name: FRAME, itemStyle: { borderColor: "transparent" } }],
      },
      series: drawn,
    }, true);
    window.govgridMap = { measure, series: drawn.map((s) => ({ name: s.name, codes: s.data.map((d) => d.code || d.name) })) }; // read by the browser test
  }

  // The map's figures as a table: for screen readers, keyboards, and whoever cannot tell colours apart.
  function table(villages, measure, w, nameOf) {
    $("map-table-village").textContent = w.village;
    $("map-table-value").textContent = w[measure];
    const body = $("map-table").querySelector("tbody");
    body.textContent = "";
    for (const f of villages.features) {
      const row = document.createElement("tr");
      row.dataset.code = f.id;
      const value = measure === "coverage" ? (f.properties.has_deputy_secretary ? "■ " + w.covered : "▲ " + w.lacking) : figure(f, measure) ?? "<" + villages.suppressed_below;
      for (const [text, className] of [[nameOf(f.properties), ""], [value, "num"]]) {
        const td = document.createElement("td");
        td.textContent = text;
        if (className) td.className = className;
        row.appendChild(td);
      }
      body.appendChild(row);
    }
  }

  function translate(lang) {
    const w = words(lang);
    $("map-title").textContent = w.mapTitle;
    $("map-measure-label").textContent = w.mapMeasure;
    for (const option of $("map-measure").options) option.textContent = w[option.value];
  }

  async function render(event) {
    const { api, query, range, offer, lang, report, station } = event.detail;
    translate(lang);
    // The map's figures as files: per village where the read API has them (coverage, disputes), the
    // leads per station (their by-village list is the map's table).
    offer("map-panel", [
      ["mapCoverageFile", "/coverage/breakdown?" + query({ group_by: "village" })],
      ["mapDisputesFile", "/disputes/by-village?" + query(range)],
      ["mapLeadsFile", "/leads/by-station?" + query(range)],
    ]);
    try {
      const [villages, checkpoints] = await Promise.all([
        api("/map/villages?" + query(range)),
        station ? api("/map/checkpoints?" + query(range)).then((c) => c.features) : Promise.resolve([]),
      ]);
      last = { villages, checkpoints, lang, report };
      draw();
      document.body.dataset.mapRendered = String(Date.now());
    } catch (error) {
      if (error.message !== "401") { $("error").textContent = error.message; $("error").hidden = false; }
    }
  }

  document.addEventListener("govgrid:render", render);
  document.addEventListener("DOMContentLoaded", () => { $("map-measure").onchange = draw; });
}());
