// govgrid dashboard: reads the read API with the caller's token, draws figures and charts, drills down
// city -> township -> station -> village, follows /live for updates. No framework, no build step.
(function () {
  "use strict";
  const NEXT_GROUP = { city: "township", township: "station", station: "village" };
  // /dashboard/?report: the printable report (汇报材料) of the same period and scope, light, no live updates.
  const REPORT = new URLSearchParams(location.search).has("report");
  const state = {
    lang: localStorage.getItem("govgrid.lang") || "zh-CN",
    asOf: new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10), // today in China
    from: null, // first day of the period; null: 1 January of the as-of day's year
    path: [], // [{level, code, name}] below the city
    token: null,
  };
  const $ = (id) => document.getElementById(id);
  const t = (key) => window.GOVGRID_I18N[state.lang][key] || key;
  let chart = null;

  // The address may carry #token=...&from=YYYY-MM-DD&as_of=YYYY-MM-DD&township=..&station=..&village=..
  // (the token is kept for the session; the place's name is filled in from the registry).
  function readFragment() {
    const fragment = new URLSearchParams(location.hash.slice(1));
    if (fragment.get("token")) sessionStorage.setItem("govgrid.token", fragment.get("token"));
    if (fragment.get("from")) state.from = fragment.get("from");
    if (fragment.get("as_of")) state.asOf = fragment.get("as_of");
    for (const level of ["township", "station", "village"]) {
      if (fragment.get(level)) state.path.push({ level, code: fragment.get(level), name: fragment.get(level) });
    }
    if (location.hash) history.replaceState(null, "", location.pathname); // keep the token out of the address bar
    return sessionStorage.getItem("govgrid.token");
  }

  function firstDay() { return state.from || state.asOf.slice(0, 4) + "-01-01"; }

  function level() { return state.path.length ? state.path[state.path.length - 1].level : "city"; }

  function query(extra) {
    const params = new URLSearchParams({ as_of: state.asOf, ...extra });
    for (const step of state.path) params.set(step.level, step.code);
    return params.toString();
  }

  async function api(path) {
    const answer = await fetch(path, { headers: { Authorization: "Bearer " + state.token } });
    if (answer.status === 401) { showLogin(); throw new Error("401"); }
    if (!answer.ok) throw new Error(answer.status + " " + (await answer.text()));
    return answer.json();
  }

  function translate() {
    document.documentElement.lang = state.lang;
    for (const el of document.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
    $("language").textContent = t("language");
  }

  function crumbs() {
    const nav = $("crumbs");
    nav.textContent = "";
    const steps = [{ level: "city", name: t("city") }, ...state.path];
    steps.forEach((step, i) => {
      const el = document.createElement(i < steps.length - 1 ? "a" : "span");
      el.textContent = step.name;
      el.dataset.level = step.level;
      if (i < steps.length - 1) {
        el.href = "#"; // a link with an address is in the tab order and follows Enter like a click
        el.onclick = (event) => { event.preventDefault(); state.path = state.path.slice(0, i); render(); };
      } else {
        el.setAttribute("aria-current", "page");
      }
      nav.appendChild(el);
      if (i < steps.length - 1) nav.appendChild(document.createTextNode(" › "));
    });
  }

  function fillCards(container, figures) {
    container.innerHTML = "";
    for (const [key, value, note] of figures) {
      const card = document.createElement("div");
      card.className = "card";
      card.dataset.figure = key;
      card.innerHTML = `<div class="figure"></div><div class="label"></div>`;
      card.querySelector(".figure").textContent = value;
      card.querySelector(".label").textContent = t(key) + (note ? " · " + note : "");
      container.appendChild(card);
    }
  }

  function cards(summary) {
    const figures = [
      ["villages", summary.villages], ["withDeputy", summary.villages_with_deputy_secretary],
      ["lackingDeputy", summary.villages_lacking_deputy_secretary], ["stations", summary.stations],
      ["stationsWithDirector", summary.stations_with_director],
      ["deputiesCertified", summary.deputy_secretaries_certified], ["directorsCertified", summary.directors_certified],
    ];
    fillCards($("cards"), figures);
  }

  function patrolCards(p) {
    fillCards($("patrol-cards"), [
      ["patrolsCompleted", p.patrols_completed], ["patrolHours", Math.round(p.patrol_hours)],
      ["volunteerParticipations", p.volunteer_participations],
      ["clearanceOperations", p.clearance_operations_carried_out],
      ["gridsVisited", p.grids_visited_percent === null ? "–" : p.grids_visited_percent],
    ]);
  }

  const dash = (value) => (value === null || value === undefined ? "–" : value);

  // A lead count the read API suppressed (it could single out an informant): "<3", never a number.
  const small = (answer, key) =>
    (answer.suppressed || []).includes(key) ? "<" + answer.suppressed_below : answer[key];

  function otherCards(disputes, leads, services) {
    fillCards($("dispute-cards"), [
      ["disputesReceived", disputes.received], ["disputesResolved", disputes.resolved],
      ["disputesOpen", disputes.open], ["resolutionRate", dash(disputes.resolution_rate_percent)],
      ["medianDays", dash(disputes.median_days_to_resolve)],
    ]);
    fillCards($("lead-cards"), [
      ["leadsReceived", small(leads, "received")], ["leadsVerified", small(leads, "verified")],
      ["fugitivesArrested", small(leads, "fugitives_arrested")], ["leadsOverdue", small(leads, "overdue")],
    ]);
    fillCards($("service-cards"), [
      ["schoolsServed", services.schools_served], ["completion", dash(services.completion_percent)],
      ["studentsProcessed", services.students_processed], ["enterpriseVisits", services.enterprise_visits],
      ["casesHandled", services.enterprise_cases_handled], ["jobsHired", services.job_referrals_hired],
    ]);
  }

  function change(figure) {
    if (figure.change_percent === null) return t("yoy") + " –";
    return t("yoy") + " " + (figure.change_percent > 0 ? "+" : "") + figure.change_percent + "%";
  }

  function policeCards(s) {
    fillCards($("police-cards"), [
      ["calls", s.calls_for_service.current, change(s.calls_for_service)],
      ["criminal", s.criminal_cases.current, change(s.criminal_cases)],
      ["publicSecurity", s.public_security_cases.current, change(s.public_security_cases)],
    ]);
  }

  // Colours safe for colour-blind readers (Okabe-Ito sky blue and orange), with ECharts' decal patterns
  // on top and a table of the same figures below each chart: colour is never the only cue.
  // The report is printed on white: darker text and lines, SVG charts (their text stays text in a PDF).
  const COVERED = REPORT ? "#0072B2" : "#56B4E9", LACKING = "#E69F00", EARLIER = REPORT ? "#777777" : "#8aa2c8";
  const THIS_YEAR = REPORT ? "#D55E00" : "#f5c542";
  const ARIA = { enabled: true, decal: { show: true } };
  const AXIS_TEXT = { color: REPORT ? "#1a1a1a" : "#e6eefc" };
  const initChart = (id) => echarts.init($(id), null, { renderer: REPORT ? "svg" : "canvas" });
  let policeChart = null;

  function daysInMonth(year, month) { return new Date(Date.UTC(year, month, 0)).getUTCDate(); }

  // The as-of month is partial (up to the as-of day) and months after it have not happened: drawn as
  // they were, the line would collapse at the end. Full months are a solid line, the partial month a
  // dashed step to it, later months nothing; the note compares the partial month like with like.
  function drawPoliceChart(monthly, monthSoFar) {
    policeChart = policeChart || initChart("police-chart");
    const asOf = state.asOf.split("-").map(Number); // [year, month, day]
    const sameYear = monthly.year === asOf[0];
    const partial = sameYear && asOf[2] < daysInMonth(asOf[0], asOf[1]) ? asOf[1] : null;
    const label = (m) => m.month + (state.lang === "en" ? "" : t("month")) + (m.month === partial ? "*" : "");
    const calls = (m) => (sameYear && m.month > asOf[1] ? null : m.current.calls_for_service);
    const full = monthly.months.map((m) => (m.month === partial ? null : calls(m)));
    const soFar = monthly.months.map((m) => (m.month === partial || m.month === partial - 1 ? calls(m) : null));
    policeChart.setOption({
      animation: false,
      aria: ARIA,
      tooltip: { trigger: "axis" },
      legend: { data: [t("thisYear"), t("monthSoFar"), t("lastYear")], textStyle: AXIS_TEXT },
      xAxis: { type: "category", data: monthly.months.map(label), axisLabel: AXIS_TEXT },
      yAxis: { type: "value", axisLabel: AXIS_TEXT },
      series: [
        { name: t("thisYear"), type: "line", data: full, itemStyle: { color: THIS_YEAR } },
        { name: t("monthSoFar"), type: "line", data: soFar, itemStyle: { color: THIS_YEAR }, lineStyle: { type: "dashed" }, symbol: "emptyCircle" },
        { name: t("lastYear"), type: "line", data: monthly.months.map((m) => m.year_earlier.calls_for_service), itemStyle: { color: EARLIER } },
      ],
    }, true);
    const note = $("police-partial");
    note.hidden = partial === null;
    if (partial !== null) {
      const soFar = monthSoFar.calls_for_service;
      note.textContent = t("partialNote")
        .replace("{month}", label({ month: partial }))
        .replace("{from}", monthSoFar.from).replace("{to}", monthSoFar.to)
        .replace("{current}", soFar.current).replace("{earlier}", soFar.year_earlier)
        .replace("{earlierFrom}", monthSoFar.year_earlier_from).replace("{earlierTo}", monthSoFar.year_earlier_to);
    }
  }

  function clockCards(c) {
    fillCards($("clock-cards"), [
      ["clocksOverdue", c.overdue], ["clocksDueSoon", c.due_within_24_hours], ["clocksPaused", c.paused],
      ["clocksCarriedOver", c.carried_over], ["clocksOpen", c.open],
    ]);
  }

  // Why a clock is overdue: what moved its deadline (pauses, the extension, carry-overs), or nothing.
  function clockWhy(c) {
    const why = [];
    if (c.pauses) why.push(t("paused").replace("{n}", c.pauses));
    if (c.extended_by) why.push(t("extendedBy").replace("{role}", t(c.extended_by)));
    if (c.carried_over_into) why.push(t("carriedOver").replace("{from}", c.carried_over_from).replace("{into}", c.carried_over_into));
    return why.length ? why.join("; ") : t("noReason");
  }

  function overdueClocks(page) {
    const body = $("overdue-clocks").querySelector("tbody");
    body.textContent = "";
    for (const c of page.items) {
      const row = document.createElement("tr");
      row.dataset.clock = c.record_kind + ":" + c.record_id + ":" + c.stage;
      for (const value of [t(c.record_kind) + " " + c.record_id.slice(0, 8), t(c.stage), c.station_code, c.village_code, c.due_on]) cell(row, value);
      cell(row, c.days_late, "num");
      cell(row, clockWhy(c));
      body.appendChild(row);
    }
  }

  const unitName = (r) => (state.lang === "en" ? r.name_en : r.name_zh) || r.name_zh || r.code;

  function drillTo(groupBy, row) {
    state.path.push({ level: groupBy, code: row.code, name: unitName(row) });
    render();
  }

  function drawChart(rows, groupBy) {
    chart = chart || initChart("coverage-chart");
    chart.setOption({
      animation: false, // figures appear at once, also when live updates redraw them
      aria: ARIA,
      tooltip: { trigger: "axis" },
      legend: { data: [t("covered"), t("lacking")], textStyle: AXIS_TEXT },
      xAxis: { type: "category", data: rows.map(unitName), axisLabel: AXIS_TEXT },
      yAxis: { type: "value", axisLabel: AXIS_TEXT },
      series: [
        { name: t("covered"), type: "bar", stack: "v", data: rows.map((r) => r.with_deputy_secretary), itemStyle: { color: COVERED } },
        { name: t("lacking"), type: "bar", stack: "v", data: rows.map((r) => r.villages - r.with_deputy_secretary), itemStyle: { color: LACKING } },
      ],
    }, true);
    chart.off("click");
    chart.on("click", (event) => drillTo(groupBy, rows[event.dataIndex]));
    childTable(rows, groupBy);
    window.govgridChart = { groupBy, rows }; // read by the browser test
  }

  function cell(row, value, className) {
    const td = document.createElement("td");
    if (className) td.className = className;
    if (value instanceof Node) td.appendChild(value); else td.textContent = value === null || value === undefined ? "" : value;
    row.appendChild(td);
  }

  // The chart's figures as a table, each unit a link one level down: drill-down by keyboard, and the
  // chart's content for screen readers and for anyone who cannot tell its colours apart.
  function childTable(rows, groupBy) {
    $("children-unit").textContent = t(groupBy);
    const body = $("children").querySelector("tbody");
    body.textContent = "";
    for (const r of rows) {
      const row = document.createElement("tr");
      const link = document.createElement("a");
      link.href = "#";
      link.textContent = unitName(r);
      link.dataset.code = r.code;
      link.onclick = (event) => { event.preventDefault(); drillTo(groupBy, r); };
      cell(row, link);
      cell(row, r.villages, "num");
      cell(row, "■ " + r.with_deputy_secretary, "num covered");
      cell(row, "▨ " + (r.villages - r.with_deputy_secretary), "num lacking");
      cell(row, r.villages ? Math.round((1000 * r.with_deputy_secretary) / r.villages) / 10 + "%" : "–", "num");
      body.appendChild(row);
    }
  }

  // The read API answers codes; the names come from the registry the caller may see.
  function lackingTable(page, units) {
    const names = new Map(units.map((u) => [u.code, u]));
    const nameOf = (code) => (names.has(code) ? unitName(names.get(code)) : code);
    const body = $("lacking").querySelector("tbody");
    body.textContent = "";
    for (const v of page.items) {
      const row = document.createElement("tr");
      for (const value of [v.code, unitName(v), nameOf(v.township_code), nameOf(v.station_code)]) cell(row, value);
      body.appendChild(row);
    }
  }

  async function render() {
    translate();
    crumbs();
    $("error").hidden = true;
    try {
      const current = level();
      const range = { from: firstDay(), to: state.asOf };
      const monthStart = state.asOf.slice(0, 8) + "01";
      const asked = {
        summary: "/coverage/summary?" + query(),
        lacking: "/coverage/villages-lacking-deputy-secretary?" + query({ page_size: "100" }),
        patrols: "/patrols/summary?" + query(range),
        police: "/police-activity/summary?" + query(range),
        monthly: "/police-activity/monthly?" + query({ year: state.asOf.slice(0, 4) }),
        disputes: "/disputes/summary?" + query(range),
        leads: "/leads/summary?" + query(range),
        services: "/outreach/summary?" + query(range),
        clocks: "/clocks/summary?" + query(range),
        overdueClocks: "/clocks/overdue?" + query({ page_size: "20" }),
        breakdown: NEXT_GROUP[current] && "/coverage/breakdown?" + query({ group_by: NEXT_GROUP[current] }),
      };
      const [summary, lacking, patrols, police, monthly, disputes, leads, services, clocks, overdue, monthSoFar, units] = await Promise.all([
        api(asked.summary), api(asked.lacking), api(asked.patrols), api(asked.police), api(asked.monthly),
        api(asked.disputes), api(asked.leads), api(asked.services), api(asked.clocks), api(asked.overdueClocks),
        api("/police-activity/summary?" + query({ from: monthStart, to: state.asOf })),
        api("/org-units?" + new URLSearchParams({ as_of: state.asOf })),
      ]);
      nameThePath(units);
      crumbs();
      reportTitle();
      cards(summary);
      lackingTable(lacking, units);
      patrolCards(patrols);
      policeCards(police);
      drawPoliceChart(monthly, monthSoFar);
      otherCards(disputes, leads, services);
      clockCards(clocks);
      overdueClocks(overdue);
      $("coverage-panel").hidden = !NEXT_GROUP[current]; // a village has no units below it
      if (NEXT_GROUP[current]) drawChart(await api(asked.breakdown), NEXT_GROUP[current]);
      offer("summary-panel", [["summaryFile", asked.summary]]);
      offer("coverage-panel", [["breakdownFile", asked.breakdown || asked.summary]]);
      offer("patrols-panel", [["summaryFile", asked.patrols]]);
      offer("police-panel", [["summaryFile", asked.police], ["monthlyFile", asked.monthly]]);
      offer("disputes-panel", [["summaryFile", asked.disputes]]);
      offer("leads-panel", [["summaryFile", asked.leads]]);
      offer("services-panel", [["summaryFile", asked.services]]);
      offer("clocks-panel", [["summaryFile", asked.clocks], ["listFile", asked.overdueClocks]]);
      offer("lacking-panel", [["listFile", asked.lacking]]);
      // Panels of their own (map.js) draw the same place and period.
      const station = state.path.find((step) => step.level === "station");
      const detail = { api, query, range, offer, lang: state.lang, report: REPORT, station: station && station.code };
      document.dispatchEvent(new CustomEvent("govgrid:render", { detail }));
      document.body.dataset.rendered = String(Date.now());
    } catch (error) {
      if (error.message !== "401") { $("error").textContent = t("error") + error.message; $("error").hidden = false; }
    }
  }

  // A place given by code in the address gets its name once the registry is read.
  function nameThePath(units) {
    const names = new Map(units.map((u) => [u.code, u]));
    for (const step of state.path) if (names.has(step.code)) step.name = unitName(names.get(step.code));
  }

  function place() { return state.path.length ? state.path[state.path.length - 1].name : t("city"); }

  // What the printed report says it is: the place, the period and the as-of day.
  function reportTitle() {
    $("report-title").textContent = place() + " · " + t("reportTitle");
    $("report-period").textContent = t("reportPeriod")
      .replace("{from}", firstDay()).replace("{to}", state.asOf).replace("{asOf}", state.asOf);
    const report = new URLSearchParams({ token: state.token, from: firstDay(), as_of: state.asOf });
    for (const step of state.path) report.set(step.level, step.code);
    $("report-link").href = "?report#" + report.toString();
  }

  // Each panel offers its figures as files: the read API's /export of the very query the panel drew,
  // in the page's language. fetch (not a link) because the token travels in a header.
  function offer(panelId, files) {
    const box = $(panelId).querySelector(".downloads");
    box.textContent = "";
    for (const [key, path] of files) {
      for (const [format, name] of [["csv", "CSV"], ["xlsx", "Excel"]]) {
        const button = document.createElement("button");
        button.type = "button";
        button.textContent = "⬇ " + t(key) + " " + name;
        button.dataset.export = path.split("?")[0];
        button.dataset.format = format;
        button.onclick = () => download(path, format);
        box.appendChild(button);
      }
    }
  }

  async function download(path, format) {
    const answer = await fetch("/export" + path + "&format=" + format, {
      headers: { Authorization: "Bearer " + state.token, "Accept-Language": state.lang },
    });
    if (!answer.ok) { $("error").textContent = t("error") + answer.status; $("error").hidden = false; return; }
    const name = /filename="([^"]+)"/.exec(answer.headers.get("Content-Disposition") || "");
    const link = document.createElement("a");
    link.href = URL.createObjectURL(await answer.blob());
    link.download = name ? name[1] : "govgrid." + format;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
  }

  function showLogin() { $("login").hidden = false; }

  function follow() {
    const source = new EventSource("/live?access_token=" + encodeURIComponent(state.token));
    source.addEventListener("ready", () => $("live").classList.add("on"));
    source.addEventListener("changed", () => render());
    source.onerror = () => $("live").classList.remove("on");
  }

  function start() {
    state.token = readFragment();
    $("as-of").value = state.asOf;
    $("from").value = firstDay();
    $("as-of").onchange = () => { state.asOf = $("as-of").value; render(); };
    $("from").onchange = () => { state.from = $("from").value || null; $("from").value = firstDay(); render(); };
    $("language").onclick = () => {
      state.lang = state.lang === "zh-CN" ? "en" : "zh-CN";
      localStorage.setItem("govgrid.lang", state.lang);
      render();
    };
    $("token-save").onclick = () => {
      sessionStorage.setItem("govgrid.token", $("token-input").value.trim());
      location.reload();
    };
    $("print").onclick = () => window.print();
    if (REPORT) document.body.classList.add("report");
    if (!state.token) { translate(); showLogin(); return; }
    render();
    if (!REPORT) follow(); // a report is the figures of one moment
  }

  start();
}());
