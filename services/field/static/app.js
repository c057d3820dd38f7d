// govgrid field app: the screens, the forms built from actions.js, the queue (store.js) and sign-in.
"use strict";

// Sign-in, in one place so that the identity provider's flow can replace it: for now the development
// token, pasted or given as #token=... in the address (kept for the browser session only).
const Auth = {
  token() {
    const fragment = new URLSearchParams(location.hash.slice(1));
    if (fragment.get("token")) {
      sessionStorage.setItem("govgrid.token", fragment.get("token"));
      history.replaceState(null, "", location.pathname); // keep the token out of the address bar
    }
    return sessionStorage.getItem("govgrid.token");
  },
  principal() {
    const token = this.token();
    if (!token) return null;
    try {
      const payload = JSON.parse(atob(token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")));
      return { subject: payload.sub, role: payload.role, jurisdiction: payload.jur || [] };
    } catch (malformed) {
      return null;
    }
  },
  signIn(token) { sessionStorage.setItem("govgrid.token", token.trim()); },
  signOut() { sessionStorage.removeItem("govgrid.token"); },
};

const state = { lang: localStorage.getItem("govgrid.field.lang") || "zh", screen: "work", selected: {}, form: null };
let ERRORS = {};

const $ = (id) => document.getElementById(id);
// "nav.work" is a key of its own; "actions.lead.submit" is the key "lead.submit" of the group "actions".
function lookup(table, key) {
  if (key in table) return table[key];
  const group = key.slice(0, key.indexOf("."));
  return table[group] && typeof table[group] === "object" ? table[group][key.slice(group.length + 1)] : undefined;
}
const t = (key) => lookup(I18N[state.lang], key) ?? lookup(I18N.zh, key) ?? key;
const words = (group, key) => I18N[state.lang][group][key] || (state.lang === "zh" ? I18N.zh[group][key] : null) || key.replace(/_/g, " ");
const fieldLabel = (name) => words("fields", name);
const enumLabel = (value) => words("enums", value);
// An action's name; the clock commands of leads and disputes share theirs (`label`).
const actionTitle = (id) => t(`actions.${(ACTIONS[id] && ACTIONS[id].label) || id}`);
const errorText = (code) => (ERRORS[code] ? ERRORS[code][state.lang] : code);
// The services' ids are 32 hex digits: the first 8 tell records apart on a small screen.
const shortId = (id) => (String(id).length > 12 ? `${String(id).slice(0, 8)}…` : String(id));

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === "onclick" || name === "onsubmit" || name === "onchange") node[name] = value;
    else if (value !== false && value != null) node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) if (child != null) node.append(child);
  return node;
}

// ------------------------------------------------------------ China time
const CHINA = "Asia/Shanghai";
const chinaNow = () => new Date(Date.now() + 8 * 3600e3).toISOString(); // UTC+8 written as if UTC
const todayInChina = () => chinaNow().slice(0, 10);
const nowInChina = (hoursLater = 0) => new Date(Date.now() + (8 + hoursLater) * 3600e3).toISOString().slice(0, 16);
function showTime(iso) {
  if (!iso) return "";
  const options = iso.length <= 10 ? { dateStyle: "medium", timeZone: "UTC" } : { dateStyle: "medium", timeStyle: "short", timeZone: CHINA };
  return new Intl.DateTimeFormat(state.lang === "zh" ? "zh-CN" : "en-GB", options).format(new Date(iso));
}

function toast(text) {
  const box = $("toast");
  box.textContent = text;
  box.classList.add("shown");
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => box.classList.remove("shown"), 3500);
}

// ------------------------------------------------------------ reading the services
async function read(service, path) {
  const answer = await fetch(`/api/${service}${path}`, { headers: { Authorization: `Bearer ${Auth.token()}` } });
  if (!answer.ok) throw Object.assign(new Error(`${answer.status}`), { status: answer.status });
  return answer.json();
}

// ------------------------------------------------------------ forms
function fieldInput(field, value, recordState) {
  const id = `f-${field.name}`;
  const label = el("label", { for: id }, fieldLabel(field.name) + (field.required ? " *" : ""));
  const common = { id, name: field.name, required: field.required && field.type !== "bool" };
  switch (field.type) {
    case "textarea":
      if (!field.hint) return [label, el("textarea", common, value ?? "")];
      return [label, el("textarea", { ...common, "aria-describedby": `${id}-hint` }, value ?? ""), el("p", { class: "hint", id: `${id}-hint` }, t(field.hint))];
    case "select":
      return [label, el("select", common,
        field.blank || !field.required ? el("option", { value: "" }, "—") : null,
        ENUMS[field.options].map((option) => el("option", { value: option, selected: option === value }, enumLabel(option))))];
    case "date": return [label, el("input", { ...common, type: "date", value: value ?? (field.blank ? "" : todayInChina()) })];
    case "datetime":
      return [label, el("input", { ...common, type: "datetime-local", value: value ? value.slice(0, 16) : (field.required ? nowInChina(field.hoursLater || 0) : "") }),
        el("p", { class: "hint" }, "UTC+8")];
    case "int": case "number":
      return [label, el("input", { ...common, type: "number", inputmode: "decimal", min: 0, step: field.type === "int" ? 1 : "any", value: value ?? "" })];
    case "bool": return [el("label", {}, el("input", { id, name: field.name, type: "checkbox", checked: Boolean(value) }), " ", fieldLabel(field.name))];
    case "list": return [label, el("input", { ...common, type: "text", value: (value || []).join(", "), "aria-describedby": `${id}-hint` }), el("p", { class: "hint", id: `${id}-hint` }, t("list.hint"))];
    case "lines": return [label, el("textarea", { ...common, "aria-describedby": `${id}-hint` }, (value || []).join("\n")), el("p", { class: "hint", id: `${id}-hint` }, t("lines.hint"))];
    case "secret":
      return [label, el("input", { ...common, type: "text", autocomplete: "off", value: value ?? "", "aria-describedby": `${id}-hint` }), el("p", { class: "hint", id: `${id}-hint` }, t("secret.hint"))];
    case "parties": return partiesInput(field, value, recordState);
    case "satisfaction": return satisfactionInput(field, value, recordState);
    case "location": return locationInput(field, value);
    default: return [label, el("input", { ...common, type: "text", autocapitalize: "off", value: value ?? "" })];
  }
}

// A dispute's parties, by pseudonym: party-A, party-B... A new row takes the first label free on the
// dispute (`recordState.parties`, as far as the phone knows them) and in the form.
function partiesInput(field, value, recordState) {
  const rows = el("div", { id: "f-parties" });
  const taken = new Set(field.adding && recordState && recordState.parties ? recordState.parties.map((p) => p.label) : []);
  const addRow = (party) => {
    const n = rows.children.length;
    rows.append(el("div", { class: "party" },
      el("div", {}, el("label", { for: `party-label-${n}` }, `${t("party")} ${n + 1}`),
        el("input", { id: `party-label-${n}`, "data-part": "label", value: party.label, required: true, pattern: "party-[A-Z]{1,2}" })),
      el("div", {}, el("label", { for: `party-role-${n}`, class: "sr-only" }, `${t("party")} ${n + 1}`),
        el("select", { id: `party-role-${n}`, "data-part": "role" }, ENUMS.partyRole.map((role) => el("option", { value: role, selected: role === party.role }, enumLabel(role))))),
      el("button", { type: "button", "aria-label": `${t("remove")} ${n + 1}`, onclick: (event) => event.target.closest(".party").remove() }, "×")));
  };
  const next = () => {
    const used = new Set([...taken, ...[...rows.querySelectorAll('[data-part="label"]')].map((input) => input.value.trim())]);
    for (let letter = 0; letter < 26; letter += 1) {
      const label = `party-${String.fromCharCode(65 + letter)}`;
      if (!used.has(label)) return label;
    }
    return "";
  };
  if (value) value.forEach(addRow);
  else if (field.adding) addRow({ label: next(), role: "third_party" });
  else [{ label: "party-A", role: "claimant" }, { label: "party-B", role: "respondent" }].forEach(addRow);
  return [el("fieldset", {}, el("legend", {}, fieldLabel(field.name)), rows,
    el("button", { type: "button", onclick: () => addRow({ label: next(), role: "third_party" }) }, t("party.add")))];
}

function satisfactionInput(field, value, recordState) {
  const parties = value || ((recordState && recordState.parties) || [{ label: "party-A" }, { label: "party-B" }]).map((p) => ({ label: p.label, satisfaction: "satisfied" }));
  return [el("fieldset", { id: "f-satisfaction" }, el("legend", {}, fieldLabel(field.name)),
    parties.map((party, n) => el("div", {},
      el("label", { for: `satisfaction-${n}` }, party.label),
      el("select", { id: `satisfaction-${n}`, "data-label": party.label },
        ENUMS.satisfaction.map((s) => el("option", { value: s, selected: s === party.satisfaction }, enumLabel(s)))))))];
}

function locationInput(field, value) {
  const latitude = el("input", { id: "f-latitude", type: "number", step: "any", min: -90, max: 90, value: value ? value.latitude : "" });
  const longitude = el("input", { id: "f-longitude", type: "number", step: "any", min: -180, max: 180, value: value ? value.longitude : "" });
  const hint = el("p", { class: "hint", role: "status" });
  const locate = () => {
    if (!navigator.geolocation) { hint.textContent = t("locate.failed"); return; }
    navigator.geolocation.getCurrentPosition(
      (position) => { latitude.value = position.coords.latitude.toFixed(6); longitude.value = position.coords.longitude.toFixed(6); hint.textContent = ""; },
      () => { hint.textContent = t("locate.failed"); },
      { timeout: 10000, maximumAge: 60000 });
  };
  return [el("fieldset", { id: "f-location" }, el("legend", {}, fieldLabel(field.name)),
    el("button", { type: "button", id: "locate", onclick: locate }, t("locate")), hint,
    el("label", { for: "f-latitude" }, t("latitude")), latitude, el("label", { for: "f-longitude" }, t("longitude")), longitude)];
}

function formValues(form, action) {
  const values = {};
  for (const field of action.fields) {
    const input = form.querySelector(`#f-${field.name}`);
    let value;
    switch (field.type) {
      case "parties":
        value = [...form.querySelectorAll("#f-parties .party")].map((row) => ({
          label: row.querySelector('[data-part="label"]').value.trim(), role: row.querySelector('[data-part="role"]').value }));
        break;
      case "satisfaction":
        value = [...form.querySelectorAll("#f-satisfaction select")].map((s) => ({ label: s.dataset.label, satisfaction: s.value }));
        break;
      case "location": {
        const latitude = form.querySelector("#f-latitude").value, longitude = form.querySelector("#f-longitude").value;
        value = latitude !== "" && longitude !== "" ? { latitude: Number(latitude), longitude: Number(longitude) } : undefined;
        break;
      }
      case "bool": value = input.checked; break;
      case "int": value = input.value === "" ? undefined : parseInt(input.value, 10); break;
      case "number": value = input.value === "" ? undefined : Number(input.value); break;
      case "list": value = input.value.split(/[,，\s]+/).map((s) => s.trim()).filter(Boolean); break;
      case "lines": value = input.value.split("\n").map((s) => s.trim()).filter(Boolean); break;
      case "datetime": value = input.value ? `${input.value.length === 16 ? input.value + ":00" : input.value}+08:00` : (field.stamp ? new Date().toISOString() : undefined); break;
      default: value = input.value.trim() === "" ? undefined : input.value.trim();
    }
    if (value !== undefined && !(Array.isArray(value) && value.length === 0 && !field.required)) values[field.name] = value;
  }
  return values;
}

async function openForm(action, record) {
  state.form = { action: action.id, record };
  await render();
}

async function formView(action, record, queued) {
  const recordState = record ? record.state : null;
  const form = el("form", { class: "card", "aria-labelledby": "form-title", novalidate: false });
  const on = record ? [action.clock ? words("stages", record.stage) : null, `${words("kinds", record.kind)} ${shortId(record.id)}`] : [];
  form.append(el("h2", { id: "form-title" }, [actionTitle(action.id), ...on].filter(Boolean).join(" · ")));
  if (queued) form.append(refusal(queued));
  if (action.suggest && recordState && recordState.village_code) form.append(await suggestion(recordState.village_code, form));
  let prefill = queued ? (action.unshape ? action.unshape(queued.body) : queued.body) : action.fill && record ? action.fill(record) : {};
  if (!queued && action.fetchFill && record && !String(record.id).startsWith("local-")) {
    prefill = { ...prefill, ...(await action.fetchFill(record).catch(() => ({}))) }; // offline: nothing to propose
  }
  for (const field of action.fields) form.append(...fieldInput(field, prefill[field.name], recordState));
  form.append(el("div", { class: "row" },
    el("button", { type: "submit", class: "primary" }, t("send")),
    el("button", { type: "button", onclick: () => { state.form = null; render(); } }, t("cancel"))));
  form.onsubmit = async (event) => {
    event.preventDefault();
    const values = formValues(form, action);
    const body = action.shape ? action.shape(values) : values;
    form.reset(); // the informant's contact leaves the page with the form
    if (queued) await resend(queued, body);
    else await submit(action, record, body);
  };
  return form;
}

// What the service said of a refused command: its code in words, and each field's reason.
function refusal(item) {
  const reasons = Array.isArray(item.error.detail) ? item.error.detail.filter((d) => d && d.field) : [];
  return el("div", { class: "refusal", role: "alert" },
    el("p", { class: "error", "data-error": item.error.code }, errorText(item.error.code)),
    reasons.length ? el("ul", {}, reasons.map((d) => el("li", {}, `${fieldLabel(String(d.field).split(".").slice(-1)[0])}: ${d.reason}`))) : null);
}

// A refused command, fixed, goes back to its place in the queue with its own Idempotency-Key: the
// refusal stored nothing, so the key is still free.
async function resend(item, body) {
  await Store.put("queue", { ...item, body, status: "waiting", error: null });
  state.form = null;
  state.screen = "queue";
  const counts = await flushNow();
  toast(counts.refused ? t("toast.refused") : counts.sent ? t("queued.sent") : t("queued.offline"));
  await render();
}

async function suggestion(village, form) {
  const box = el("div", { class: "card", id: "suggestion", "aria-live": "polite" }, el("strong", {}, t("suggested")));
  try {
    const pair = await read("mediation", `/villages/${encodeURIComponent(village)}/suggested-mediators`);
    const officer = pair.officer && pair.officer.person_id, cadre = pair.cadre && pair.cadre.person_id;
    if (!officer && !cadre) { box.append(el("p", {}, t("suggest.none"))); return box; }
    box.append(el("p", {}, `${fieldLabel("officer_person_id")}: ${officer || "—"} · ${fieldLabel("cadre_person_id")}: ${cadre || "—"}`),
      el("button", { type: "button", id: "use-suggestion", onclick: () => {
        if (officer) form.querySelector("#f-officer_person_id").value = officer;
        if (cadre) form.querySelector("#f-cadre_person_id").value = cadre;
      } }, t("suggest.use")));
  } catch (unavailable) {
    box.append(el("p", {}, t("suggest.none")));
  }
  return box;
}

// Every command goes through the queue, online or not: it is stored (with its Idempotency-Key) before it
// is sent, so a tab closed mid-request loses nothing and a resend is applied once.
async function submit(action, record, body) {
  const subject = Auth.principal().subject; // before any wait: a sign-out may come in between
  let local = null, recordId = record && !action.creates ? record.id : null;
  if (action.creates) {
    local = `local-${newKey()}`;
    const summary = {};
    for (const name of ["village_code", "station_code", "team_id", "parties", "category", "enterprise_code"]) if (body[name]) summary[name] = body[name];
    await Store.put("records", { key: `${action.kind}:${local}`, kind: action.kind, id: local, state: summary, at: Date.now() });
    state.selected[screenOf(action.kind)] = `${action.kind}:${local}`;
  }
  const path = action.creates ? action.path() : action.path(recordId, record);
  await Outbox.enqueue(action, path, body, { recordId, local, subject });
  state.form = null;
  const counts = await flushNow();
  toast(counts.refused ? t("toast.refused") : counts.sent ? t("queued.sent") : t("queued.offline"));
  if (local) {
    const resolved = await Store.get("ids", local);
    if (resolved) state.selected[screenOf(action.kind)] = `${action.kind}:${resolved.id}`;
  }
  await render();
}

const screenOf = (kind) => Object.keys(SCREENS).find((screen) => SCREENS[screen].kinds.includes(kind));

async function flushNow() {
  const principal = Auth.principal();
  const counts = principal ? await Outbox.flush(Auth.token(), principal.subject) : { offline: 0 };
  setConnection(counts.offline ? false : navigator.onLine);
  await updateBadge();
  return counts;
}

// ------------------------------------------------------------ screens
const allowed = (action) => { const p = Auth.principal(); return p && action.roles.includes(p.role); };

async function recordScreen(screen) {
  const kinds = SCREENS[screen].kinds;
  const records = (await Store.all("records")).filter((r) => kinds.includes(r.kind)).sort((a, b) => b.at - a.at);
  let selectedKey = state.selected[screen];
  const [kind, id] = (selectedKey || ":").split(":");
  const resolved = id.startsWith("local-") ? await Store.get("ids", id) : null;
  if (resolved) selectedKey = state.selected[screen] = `${kind}:${resolved.id}`; // its creation was sent since
  const selected = records.find((r) => r.key === selectedKey);
  const creators = ACTION_LIST.filter((a) => kinds.includes(a.kind) && a.creates && !a.on && allowed(a));
  const view = [el("h2", {}, t(`nav.${screen}`))];
  if (creators.length) view.push(el("div", { class: "row" }, creators.map((a) => el("button", { type: "button", class: "primary", "data-action": a.id, onclick: () => openForm(a, null) }, actionTitle(a.id)))));
  if (selected) view.push(recordCard(selected, true));
  view.push(el("h2", {}, t("records")));
  if (!records.length) view.push(el("p", {}, t("none")));
  for (const record of records.filter((r) => r !== selected).slice(0, 30)) view.push(recordCard(record, false));
  view.push(openByIdForm(screen, kinds));
  return view;
}

function recordCard(record, expanded) {
  const s = record.state || {};
  const pending = String(record.id).startsWith("local-");
  const card = el("div", { class: "card", "data-record": record.key },
    el("div", { class: "item-title", title: record.id }, `${words("kinds", record.kind)} ${pending ? "(" + t("queue.waiting") + ")" : shortId(record.id)}`),
    el("div", { class: "status" }, [s.status ? enumLabel(s.status) : null, s.village_code, s.station_code, s.escalation_due ? `${t("due")} ${showTime(s.escalation_due.due_on)}` : null].filter(Boolean).join(" · ")));
  if (!expanded) {
    card.append(el("button", { type: "button", "data-open": record.key, onclick: () => { state.selected[screenOf(record.kind)] = record.key; state.form = null; render(); } }, t("open")));
    return card;
  }
  // A clock's commands are on its clock, on My work.
  const actions = ACTION_LIST.filter((a) => !a.clock && (a.creates ? a.on === record.kind : a.kind === record.kind) && allowed(a));
  card.append(el("div", { class: "row", role: "group", "aria-label": t("actions") },
    actions.map((a) => el("button", { type: "button", "data-action": a.id, onclick: () => openForm(a, record) }, actionTitle(a.id)))));
  return card;
}

function openByIdForm(screen, kinds) {
  const kind = el("select", { id: "open-kind" }, kinds.map((k) => el("option", { value: k }, words("kinds", k))));
  const id = el("input", { id: "open-id", required: true, pattern: "[A-Za-z0-9_-]+" });
  return el("form", { class: "card", onsubmit: async (event) => {
    event.preventDefault();
    const record = { key: `${kind.value}:${id.value.trim()}`, kind: kind.value, id: id.value.trim(), state: {}, at: Date.now() };
    await Store.put("records", { ...(await Store.get("records", record.key) || record), at: Date.now() });
    state.selected[screen] = record.key;
    render();
  } }, el("p", {}, t("open.hint")), el("label", { for: "open-kind" }, fieldLabel("kind")), kind,
    el("label", { for: "open-id" }, fieldLabel("id")), id, el("button", { type: "submit" }, t("open")));
}

// Each item's open deadline clocks (working days, from the read API's clocks read model): the stage,
// its last day, and whether it is overdue, due within 24 hours, paused or carried over (挂账).
async function attachClocks(items) {
  const open = await read("read", `/clocks/open?as_of=${todayInChina()}&page_size=500`);
  const byRecord = new Map();
  for (const c of open.items) {
    const key = `${c.record_kind}:${c.record_id}`;
    byRecord.set(key, [...(byRecord.get(key) || []), c]);
  }
  for (const item of items) {
    item.clocks = byRecord.get(item.key) || [];
    item.overdue = item.overdue || item.clocks.some((c) => c.overdue);
  }
}

// A clock and the commands the caller's role may give it: pause, resume and carry over for those who
// answer for the record's clocks, an extension only for a role above the clock's owner. Whether the
// clock is paused or due this month is the service's to decide (the read model can be a moment behind).
// `role` is the one the screen was drawn for: the user may sign out while its reads are in flight.
function clockLine(c, item, role) {
  const flags = [c.overdue ? t("overdue") : null, c.due_within_24_hours ? t("clock.soon") : null,
    c.paused ? t("clock.paused") : null, c.carried_over_into ? `${t("clock.carried")} ${c.carried_over_into}` : null];
  const stage = words("stages", c.stage);
  const target = { key: item.key, kind: item.kind, id: item.id, state: item.state, stage: c.stage, owner_role: c.owner_role };
  const commands = ACTION_LIST.filter((a) => a.clock && a.kind === item.kind && allowed(a) && (!a.aboveOwner || outranks(role, c.owner_role)));
  return el("div", { class: `clock${c.overdue ? " overdue" : ""}`, "data-clock": c.stage },
    el("div", { class: "status" }, [`⏱ ${stage}`, `${t("clock.due")} ${showTime(c.due_on)}`, ...flags].filter(Boolean).join(" · ")),
    commands.length ? el("div", { class: "row", role: "group", "aria-label": `${stage} ${t("actions")}` },
      commands.map((a) => el("button", { type: "button", "data-action": a.id, "aria-label": `${actionTitle(a.id)} · ${stage} · ${words("kinds", item.kind)} ${shortId(item.id)}`,
        onclick: () => openForm(a, target) }, actionTitle(a.id)))) : null);
}

// My work: open items and deadlines in the caller's jurisdiction (the services filter by the token),
// overdue first, then by deadline.
async function workScreen() {
  const principal = Auth.principal();
  const items = [];
  let offline = false;
  try {
    const disputes = await read("mediation", "/disputes?limit=200");
    for (const d of disputes.items.filter((d) => d.status !== "closed")) {
      items.push({ key: `dispute:${d.dispute_id}`, kind: "dispute", id: d.dispute_id, status: d.status, place: d.village_code,
        due: d.escalation_due && d.escalation_due.due_on, overdue: d.overdue, state: { status: d.status, village_code: d.village_code, escalation_due: d.escalation_due } });
    }
    if (["station_officer", "city_admin"].includes(principal.role)) {
      const leads = await read("tips", "/leads?limit=200");
      for (const l of leads.items.filter((l) => !["closed"].includes(l.status))) {
        items.push({ key: `lead:${l.lead_id}`, kind: "lead", id: l.lead_id, status: l.status, place: l.village_code,
          due: l.due_at, overdue: Boolean(l.overdue), state: { status: l.status, village_code: l.village_code, priority: l.priority } });
      }
    }
  } catch (unreachable) {
    offline = true;
  }
  if (!offline) {
    try {
      await attachClocks(items);
    } catch (readApiAway) {
      // The read API is down while the services answer: the items show without their clocks.
    }
  }
  const seen = new Set(items.map((i) => i.key));
  for (const r of await Store.all("records")) {
    if (seen.has(r.key) || ["closed", "completed", "aborted", "handled"].includes((r.state || {}).status)) continue;
    items.push({ key: r.key, kind: r.kind, id: r.id, status: (r.state || {}).status, place: (r.state || {}).village_code, due: null, overdue: false, state: r.state, local: true });
  }
  items.sort((a, b) => (b.overdue - a.overdue) || String(a.due || "9999").localeCompare(String(b.due || "9999")));
  const view = [el("h2", {}, t("nav.work")), el("p", { class: "status" }, [`${t("role")}: ${words("roles", principal.role)}`, principal.subject, principal.jurisdiction.join(", ")].filter(Boolean).join(" · "))];
  view.push(el("button", { type: "button", id: "sign-out", onclick: () => { Auth.signOut(); render(); } }, t("signout")));
  if (offline) view.push(el("p", { class: "hint" }, t("work.offline")));
  if (principal.role === "viewer") view.push(el("p", { class: "hint" }, t("viewer")));
  if (!items.length) view.push(el("p", {}, t("none")));
  const list = el("ul", { class: "plain", "aria-label": t("nav.work"), style: "list-style:none;padding:0" });
  for (const item of items) {
    list.append(el("li", {}, el("div", { class: `card${item.overdue ? " overdue" : ""}`, "data-work": item.key },
      el("div", { class: "item-title", title: item.id }, `${words("kinds", item.kind)} ${shortId(item.id)}`),
      el("div", { class: "status" }, [item.status ? enumLabel(item.status) : null, item.place, item.due ? `${t("due")} ${showTime(item.due)}` : null, item.overdue ? t("overdue") : null].filter(Boolean).join(" · ")),
      ...(item.clocks || []).map((c) => clockLine(c, item, principal.role)),
      el("button", { type: "button", onclick: async () => {
        await Store.put("records", { key: item.key, kind: item.kind, id: item.id, state: item.state || {}, at: Date.now() });
        state.selected[screenOf(item.kind)] = item.key;
        await show(screenOf(item.kind));
      } }, t("open")))));
  }
  view.push(list);
  return view;
}

// A queued command: its action, the record it acts on (once the service gave it its id) and, for a
// clock's command, the stage (the path is `/{records}/{id}/clocks/{stage}/...`).
function queuedTitle(item) {
  const action = ACTIONS[item.action];
  const stage = action.clock ? words("stages", item.path.split("/")[4]) : null;
  const record = item.recordId && !item.recordId.startsWith("local-") ? `${words("kinds", action.kind)} ${shortId(item.recordId)}` : null;
  return [actionTitle(item.action), stage, record].filter(Boolean).join(" · ");
}

async function queueScreen() {
  const { subject } = Auth.principal(); // before any wait: a sign-out may come in between
  const queue = (await Store.all("queue")).sort((a, b) => a.seq - b.seq);
  const ids = new Set((await Store.all("ids")).map((row) => row.local));
  const view = [el("h2", {}, t("nav.queue")), el("button", { type: "button", id: "send-now", class: "primary", onclick: async () => { await flushNow(); render(); } }, t("sendnow"))];
  if (!queue.length) view.push(el("p", {}, t("queue.empty")));
  for (const item of queue) {
    const refused = item.status === "refused";
    const blocked = !refused && ((item.path + JSON.stringify(item.body)).match(/local-[0-9a-f-]{8,}/g) || []).some((local) => !ids.has(local));
    const another = item.subject !== subject;
    const card = el("div", { class: `card ${refused ? "refused" : "waiting"}`, "data-queue": item.status, "data-seq": item.seq },
      el("div", { class: "item-title" }, queuedTitle(item)),
      el("div", { class: "status" }, `${another ? `${t("queue.another")} ${item.subject}` : refused ? t("queue.refused") : blocked ? t("queue.blocked") : t("queue.waiting")} · ${showTime(new Date(item.createdAt).toISOString())}`));
    if (refused && !another) {
      card.append(refusal(item), el("div", { class: "row" },
        el("button", { type: "button", class: "primary", "data-edit": item.seq, onclick: () => { state.form = { action: item.action, record: null, queued: item }; render(); } }, t("resend")),
        el("button", { type: "button", "data-discard": item.seq, onclick: async () => { await Store.remove("queue", item.seq); await updateBadge(); render(); } }, t("discard"))));
    }
    view.push(card);
  }
  const sent = (await Store.all("sent")).sort((a, b) => b.seq - a.seq).slice(0, 10);
  if (sent.length) {
    view.push(el("h2", {}, t("queue.sent")));
    for (const s of sent) view.push(el("div", { class: "card", "data-sent": s.action }, `${actionTitle(s.action)} · ${shortId(s.record.split(":")[1])} ${s.replayed ? t("replayed") : ""}`));
  }
  return view;
}

function signInScreen() {
  const input = el("textarea", { id: "token-input", "aria-describedby": "token-hint" });
  return [el("form", { class: "card", onsubmit: (event) => { event.preventDefault(); Auth.signIn(input.value); start(); } },
    el("h2", {}, t("signin")), el("p", { id: "token-hint", class: "hint" }, t("signin.hint")),
    el("label", { for: "token-input" }, t("token")), input, el("button", { type: "submit", class: "primary" }, t("save")))];
}

// ------------------------------------------------------------ frame
// Screens read the services, which can be slow: a render overtaken by a newer one (the user moved on)
// is dropped rather than drawn over the newer screen.
let renders = 0;
async function render() {
  const mine = ++renders;
  document.documentElement.lang = state.lang === "zh" ? "zh-CN" : "en";
  for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
  $("language").textContent = t("lang.switch");
  for (const button of document.querySelectorAll("nav button")) button.setAttribute("aria-current", button.dataset.screen === state.screen ? "page" : "false");
  const main = $("main");
  let view;
  if (!Auth.principal()) view = signInScreen();
  else if (state.form) view = [await formView(ACTIONS[state.form.action], state.form.record, state.form.queued)];
  else if (state.screen === "work") view = await workScreen();
  else if (state.screen === "queue") view = await queueScreen();
  else view = await recordScreen(state.screen);
  if (mine !== renders) return;
  main.replaceChildren(...view.flat());
  document.body.dataset.rendered = !Auth.principal() ? "signin" : state.screen + (state.form ? ":" + state.form.action : "");
}

async function show(screen) {
  state.screen = screen;
  state.form = null;
  await render();
  $("main").focus();
}

function setConnection(online) {
  const box = $("connection");
  box.textContent = online ? t("online") : t("offline");
  box.classList.toggle("offline", !online);
}

async function updateBadge() {
  const queue = await Store.all("queue");
  $("queue-count").textContent = String(queue.length);
  $("queue-count").setAttribute("aria-label", `${queue.length}`);
}

async function start() {
  ERRORS = await (await fetch("errors.json")).json();
  setConnection(navigator.onLine);
  await updateBadge();
  await render();
  if (Auth.principal()) await flushNow();
  await render();
  document.body.dataset.ready = "1";
}

for (const button of document.querySelectorAll("nav button")) button.onclick = () => show(button.dataset.screen);
$("language").onclick = () => { state.lang = state.lang === "zh" ? "en" : "zh"; localStorage.setItem("govgrid.field.lang", state.lang); render(); };
window.addEventListener("online", async () => { setConnection(true); await flushNow(); if (!state.form) render(); });
window.addEventListener("offline", () => setConnection(false));
setInterval(() => { if (Auth.principal()) flushNow(); }, 15000);
if ("serviceWorker" in navigator) navigator.serviceWorker.register("sw.js");
start();
