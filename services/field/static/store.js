// The device's memory, in IndexedDB: the queue of commands (each with the Idempotency-Key made when the
// button was pressed), the records made or touched here, and the ids the services gave to records made
// offline ("local-..." until their creation is acknowledged). Nothing goes to localStorage.
"use strict";

const Store = (() => {
  const DB = "govgrid-field";
  let opened = null;

  function open() {
    if (!opened) {
      opened = new Promise((resolve, reject) => {
        const request = indexedDB.open(DB, 1);
        request.onupgradeneeded = () => {
          const db = request.result;
          db.createObjectStore("queue", { keyPath: "seq", autoIncrement: true });
          db.createObjectStore("records", { keyPath: "key" });
          db.createObjectStore("ids", { keyPath: "local" });
          db.createObjectStore("sent", { keyPath: "seq" });
        };
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
    }
    return opened;
  }

  async function run(store, mode, work) {
    const db = await open();
    return new Promise((resolve, reject) => {
      const tx = db.transaction(store, mode);
      const request = work(tx.objectStore(store));
      tx.oncomplete = () => resolve(request ? request.result : undefined);
      tx.onerror = () => reject(tx.error);
    });
  }

  return {
    all: (store) => run(store, "readonly", (s) => s.getAll()),
    get: (store, key) => run(store, "readonly", (s) => s.get(key)),
    put: (store, value) => run(store, "readwrite", (s) => s.put(value)),
    remove: (store, key) => run(store, "readwrite", (s) => s.delete(key)),
  };
})();

function newKey() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

// Sends the queue in order. A command is removed once a service answered it (2xx: done; 4xx: refused,
// kept for the user to fix and resend); no answer (offline, 502-504) leaves it waiting for the next try.
const Outbox = (() => {
  let flushing = null;
  const LOCAL = /local-[0-9a-f-]{8,}/g;

  async function resolveLocalIds(text) {
    const ids = new Map((await Store.all("ids")).map((row) => [row.local, row.id]));
    let missing = false;
    const resolved = text.replace(LOCAL, (local) => {
      if (ids.has(local)) return ids.get(local);
      missing = true;
      return local;
    });
    return { resolved, missing };
  }

  async function sendOne(item, token) {
    const path = await resolveLocalIds(item.path);
    const body = await resolveLocalIds(JSON.stringify(item.body));
    if (path.missing || body.missing) return "blocked"; // its record's creation has not been acknowledged
    let answer;
    try {
      answer = await fetch(`/api/${item.service}${path.resolved}`, {
        method: "POST",
        headers: {
          Authorization: `Bearer ${token}`,
          "Content-Type": "application/json",
          "Idempotency-Key": item.key,
        },
        body: body.resolved,
      });
    } catch (offline) {
      return "offline";
    }
    if ([502, 503, 504].includes(answer.status)) return "offline";
    const reply = await answer.json().catch(() => ({}));
    if (answer.ok) {
      await acknowledged(item, reply, answer.headers.get("Idempotent-Replayed") === "true");
      return "sent";
    }
    // Refused: kept with the service's code for the user to fix and resend.
    item.status = "refused";
    item.error = { status: answer.status, code: reply.error || "http_error", detail: reply.detail };
    await Store.put("queue", item);
    return "refused";
  }

  async function acknowledged(item, reply, replayed) {
    const action = ACTIONS[item.action];
    let id = item.recordId;
    if (id && id.startsWith("local-")) id = (await Store.get("ids", id)).id; // sent after its creation
    if (item.local) {
      id = reply[action.creates.idField];
      await Store.put("ids", { local: item.local, id });
      await Store.remove("records", `${action.kind}:${item.local}`);
    }
    const record = { key: `${action.kind}:${id}`, kind: action.kind, id, state: summarise(reply), at: Date.now() };
    if (!action.clock) await Store.put("records", record); // a clock's answer is the clocks, not the record
    // The command itself is forgotten here, body and all: an informant's contact leaves the device.
    await Store.remove("queue", item.seq);
    await Store.put("sent", { seq: item.seq, action: item.action, record: record.key, replayed, at: Date.now() });
  }

  // What the app shows of a record: the state's plain fields, never free text it does not need.
  function summarise(state) {
    const kept = {};
    for (const [name, value] of Object.entries(state || {})) {
      if (["version", "status", "level", "village_code", "station_code", "team_id", "priority", "due_at",
           "officer_person_id", "handler", "category", "enterprise_code", "escalation_due", "parties",
           "members", "started_at", "finished_at"].includes(name)) kept[name] = value;
    }
    return kept;
  }

  // A command is sent only with the token of the user who made it: it is their act (the services
  // record the token's subject as its actor), and their Idempotency-Keys are theirs.
  async function flush(token, subject) {
    if (flushing) return flushing;
    flushing = (async () => {
      const counts = { sent: 0, refused: 0, blocked: 0, offline: 0 };
      try {
        const items = (await Store.all("queue")).sort((a, b) => a.seq - b.seq);
        for (const item of items) {
          if (item.status !== "waiting" || item.subject !== subject) continue;
          const outcome = await sendOne(item, token);
          counts[outcome] += 1;
          if (outcome === "offline") break; // in order: nothing after a command that could not go
        }
      } finally {
        flushing = null;
      }
      return counts;
    })();
    return flushing;
  }

  async function enqueue(action, path, body, { recordId = null, local = null, subject }) {
    const item = {
      key: newKey(), // made now, when the button was pressed: a resend is the same command
      subject,
      action: action.id,
      service: action.service,
      path,
      body,
      recordId,
      local,
      status: "waiting",
      createdAt: Date.now(),
    };
    item.seq = await Store.put("queue", item);
    return item;
  }

  return { flush, enqueue };
})();
