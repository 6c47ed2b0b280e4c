// The agent desktop: sign in, keep one live connection (server-sent events), show each open call with a pick-list of
// the customers on the caller's number (who needs attention first), and keep the cards live during the call.
// No framework, no CDN: everything is served here. The wording of the policy's names comes from texts.json.
"use strict";

const $ = (id) => document.getElementById(id);
let events = null;
let reconnecting = undefined;
let me = null;             // the signed-in user: { name, role }
let currency = null;       // the engine's base currency (from the feed's ready event)
let texts = {};            // texts.json
const calls = new Map();   // callId -> { call, state, view }
let shownCallId = null;

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") node.className = v; else if (k === "text") node.textContent = v; else node.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

/** The parts that are there (replaceChildren would write a null as the text "null"). */
const present = (...parts) => parts.filter((p) => p !== null && p !== undefined && p !== false);

// ---- Plain language: names spelled out, money with its currency, times relative in the agent's locale ----

/** "angry-customer-recovery", "selfServiceFirst" -> "Angry customer recovery", "Self service first". */
function spell(name) {
  const words = String(name).replace(/([a-z0-9])([A-Z])/g, "$1 $2").replace(/[-_]+/g, " ").trim().toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
const say = (group, name) => (name === undefined || name === null) ? null : (texts[group]?.[name] ?? spell(name));

function money(x) {
  if (x === undefined || x === null) return "not yet measured";
  const options = currency ? { style: "currency", currency, maximumFractionDigits: 0 } : { maximumFractionDigits: 0 };
  return Number(x).toLocaleString(undefined, options);
}
const pct = (x) => `${Math.round(x * 100)}%`;
const count = (x) => Number(x).toLocaleString(undefined, { maximumFractionDigits: 1 });
// A model figure's interval, e.g. " (300–520)": how far the fitted model's own uncertainty lets it move. None without one.
// "Fiber, month-to-month, 6 months: renews with 95%, churn risk 62% (high)": what a subscriber's contract says on a call.
function subscription(k) {
  const term = k.contractMonths <= 1 ? "month-to-month" : `${k.contractMonths}-month contract`;
  return [`${k.plan ? k.plan + ", " : ""}${term}, ${k.tenureMonths} month${k.tenureMonths === 1 ? "" : "s"}: renews with ${pct(k.renewalProbability)}, churn risk `,
    el("span", { class: k.highRisk ? "risk high" : "risk" }, `${pct(k.churnRisk)}${k.highRisk ? " (high)" : ""}`)];
}

function range(interval, format, level) {
  if (!interval) return null;
  return el("span", { class: "range", title: `${pct(level)} interval: the model is not sure of this figure beyond it` },
    ` (${format(interval.low)}–${format(interval.high)})`);
}
const absolute = (iso) => new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
const clock = (iso) => new Date(iso).toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" });

/** "3 hours ago", "yesterday", "in 2 days", in the browser's language; the exact moment in the tooltip. */
function ago(iso) {
  const seconds = (new Date(iso).getTime() - Date.now()) / 1000;
  const units = [["year", 31536000], ["month", 2592000], ["week", 604800], ["day", 86400], ["hour", 3600], ["minute", 60]];
  const format = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });
  const [unit, size] = units.find(([, s]) => Math.abs(seconds) >= s) ?? ["minute", 60];
  const text = Math.abs(seconds) < 60 ? format.format(0, "minute") : format.format(Math.round(seconds / size), unit);
  return el("time", { datetime: iso, title: absolute(iso) }, text);
}

const digitsOf = (phone) => String(phone).replace(/\D/g, "");
const isMasked = (phone) => String(phone).includes("•");
/** One masking format everywhere: the last four digits after a fixed mark; a number shown whole stays as given. */
const showPhone = (phone) => isMasked(phone) ? `••• ${digitsOf(phone).slice(-4)}` : phone;
/** Whether a (possibly masked) number of the profile is the caller's: the visible digits end the caller's number. */
const matches = (phone, e164) => {
  const d = digitsOf(phone);
  return d.length >= 4 && digitsOf(e164).endsWith(isMasked(phone) ? d.slice(-4) : d.replace(/^0+/, ""));
};

async function api(path, options = {}) {
  let response;
  try {
    response = await fetch(path, { credentials: "same-origin", headers: { "content-type": "application/json" }, ...options });
  } catch {
    // The engine cannot be reached (stopped, restarting, network down): an answer like any other, never an uncaught error.
    return { ok: false, status: 0, body: { title: "The engine cannot be reached – try again in a moment" } };
  }
  let body = null;
  try { body = await response.json(); } catch { body = null; }
  return { ok: response.ok, status: response.status, body };
}

/** What went wrong, for people: the problem's title and its detail (which field, why), else the status. */
const problemText = (r) => [r.body?.title, r.body?.detail].filter(Boolean).join(": ") || `the engine answered ${r.status}`;

async function start() {
  const loaded = await api("texts.json");
  texts = loaded.ok ? loaded.body : {};
  const who = await api("/api/auth/me");
  if (who.ok) { signedIn(who.body); } else { showSignIn(); }
}

function showSignIn() {
  if (events) { events.close(); events = null; }
  clearTimeout(reconnecting);
  setStatus("Signed out", false);
  // Nothing of the previous session stays in the page, whoever signs in next.
  me = null;
  calls.clear(); shownCallId = null;
  $("calls").replaceChildren(); $("call-list").replaceChildren(); $("announce").textContent = "";
  setConnectionLost(false);
  showCurrentState();
  $("who").hidden = true; $("desk").hidden = true; $("sign-in").hidden = false;
  $("user-name").textContent = ""; $("user-role").textContent = "";
  $("user-id").focus();
}

function signedIn(user) {
  me = user;
  $("sign-in").hidden = true; $("desk").hidden = false; $("who").hidden = false;
  $("user-name").textContent = user.name; $("user-role").textContent = user.role;
  connect();
}

function connect() {
  clearTimeout(reconnecting);
  setStatus("Connecting…", false);
  const source = new EventSource("/api/agent/events");
  events = source;
  source.addEventListener("ready", (e) => {
    currency = JSON.parse(e.data).currency ?? currency;
    setConnectionLost(false);
    showCurrentState();
  });
  source.addEventListener("call", (e) => onCall(JSON.parse(e.data)));
  source.addEventListener("card", (e) => onCard(JSON.parse(e.data)));
  source.addEventListener("ended", (e) => onEnded(JSON.parse(e.data)));
  // The session ended elsewhere (signed out in another tab, removed or given another role, too old): say why.
  source.addEventListener("signed-out", (e) => {
    showSignIn();
    $("sign-in-error").textContent = JSON.parse(e.data).reason;
  });
  source.onerror = async () => {
    if (events !== source) return;
    setConnectionLost(true);
    showCurrentState();
    const who = await api("/api/auth/me");
    if (events !== source) return;
    if (who.status === 401) { showSignIn(); return; }
    // The browser retries a dropped connection by itself, but gives up for good on an error answer (a host that is
    // still starting): then the page opens a new one itself.
    if (source.readyState === EventSource.CLOSED) {
      clearTimeout(reconnecting);
      reconnecting = setTimeout(() => { if (events === source) { source.close(); connect(); } }, 2000);
    }
  };
}

// While the live feed is down the page says so, and every card shown is marked as possibly out of date.
function setConnectionLost(lost) {
  $("connection-lost").hidden = !lost;
  $("calls").classList.toggle("stale", lost);
  document.body.dataset.feed = lost ? "lost" : "live";
}

function setStatus(text, live) {
  const s = $("status");
  s.textContent = text;
  s.classList.toggle("live", live);
  document.body.dataset.connected = live ? "true" : "false";
}

/** The header status and the page's data-call follow the call on screen (ringing, on call, ended) and the feed. */
function showCurrentState() {
  const shown = calls.get(shownCallId);
  const lost = document.body.dataset.feed === "lost";
  const waiting = [...calls.values()].filter((c) => c.state === "ringing" && c.call.callId !== shownCallId).length;
  if (shown) document.body.dataset.call = shown.state; else delete document.body.dataset.call;
  $("idle").hidden = calls.size > 0;
  if (events === null) return;
  const base = lost ? "Connection lost – reconnecting…"
    : !shown ? "Connected – waiting for calls"
    : shown.state === "ringing" ? `Ringing – call from ${callerText(shown.call)}`
    : shown.state === "on-call" ? `On call – ${callerText(shown.call)}`
    : "Call ended – waiting for calls";
  setStatus(waiting > 0 ? `${base} · ${waiting} more ringing` : base, !lost);
}

// ---- Calls: each open call has its own view (so typed notes survive switching), listed when there are several ----

const stateOf = (call) => call.answeredAt ? "on-call" : "ringing";
/** The caller's number as the agent may see it: masked like the cards, whole for supervisors and for unknown callers (to search for them). */
const callerText = (call) => (me?.role === "supervisor" || call.cards.length === 0) ? call.ani : `••• ${digitsOf(call.e164).slice(-4)}`;

function onCall(call) {
  const known = calls.get(call.callId);
  if (known) {
    // The same call again: answered, or sent again after a reload or reconnect. Its cards are refreshed in place.
    known.call = { ...call, cards: known.call.cards };
    if (known.state !== "ended") known.state = stateOf(call);
    for (const card of call.cards) refreshCard(known, card, false);
    renderCallHead(known);
  } else {
    const entry = { call, state: stateOf(call), view: null };
    calls.set(call.callId, entry);
    entry.view = renderCallView(entry);
    $("calls").append(entry.view);
    const current = calls.get(shownCallId);
    // A new call never hides the call being worked on: it is shown when nothing else is, else it waits in the list.
    if (!current || current.state === "ended") showCall(call.callId);
    else $("announce").textContent = `Another call is ringing from ${callerText(call)}`;
    if (shownCallId === call.callId) announceCall(call);
  }
  renderCallList();
  showCurrentState();
}

function onEnded(ended) {
  const entry = calls.get(ended.callId);
  if (!entry) return;
  entry.state = "ended";
  entry.endedAt = ended.endedAt;
  renderCallHead(entry);
  renderCallList();
  showCurrentState();
  $("announce").textContent = `The call from ${callerText(entry.call)} ended`;
}

function closeCall(callId) {
  const entry = calls.get(callId);
  if (!entry) return;
  entry.view.remove();
  calls.delete(callId);
  if (shownCallId === callId) {
    const next = [...calls.values()].find((c) => c.state !== "ended") ?? [...calls.values()].at(-1);
    shownCallId = null;
    if (next) showCall(next.call.callId);
  }
  renderCallList();
  showCurrentState();
}

function showCall(callId) {
  shownCallId = callId;
  for (const [id, entry] of calls) entry.view.hidden = id !== callId;
  renderCallList();
  showCurrentState();
}

function announceCall(call) {
  const first = sortByAttention(call.cards)[0];
  $("announce").textContent = first
    ? `Incoming call from ${nameOf(first)}, tier ${tierOf(first)}, ${say("stages", stageOf(first))}`
    : `Incoming call from ${call.ani}, no customer on record`;
}

const stateText = { "ringing": "ringing", "on-call": "on call", "ended": "ended" };

function renderCallList() {
  const list = $("call-list");
  list.hidden = calls.size < 2;
  list.replaceChildren(...(calls.size < 2 ? [] : [
    el("h2", { class: "visually-hidden" }, "Open calls"),
    el("ul", {}, [...calls.values()].map((entry) => el("li", {},
      callButton(entry))))]));
}

function callButton(entry) {
  const button = el("button", { type: "button", class: `call-tab state-${entry.state}`, "data-call-id": entry.call.callId,
    "aria-current": entry.call.callId === shownCallId ? "true" : null },
    `${callerText(entry.call)} · ${stateText[entry.state]}`);
  button.addEventListener("click", () => showCall(entry.call.callId));
  return button;
}

function renderCallView(entry) {
  const { call } = entry;
  const view = el("section", { class: "call-view", "data-call-id": call.callId, "aria-label": `Call ${call.callId}`, hidden: true },
    el("div", { class: "call-banner" }),
    call.cards.length === 0 ? unknownCaller(call) : null,
    call.cards.length === 0 ? null : el("ul", { class: "household", "aria-label": "Customers on this number, who needs attention first" },
      sortByAttention(call.cards).map((card, i) => memberRow(entry, card, i === 0))));
  entry.view = view;
  renderCallHead(entry);
  return view;
}

function renderCallHead(entry) {
  const { call } = entry;
  const n = call.cards.length;
  const banner = entry.view.querySelector(".call-banner");
  const state = entry.state === "ringing" ? `Ringing since ${clock(call.rangAt)} – the caller is waiting for you to pick up`
    : entry.state === "on-call" ? `On call since ${clock(call.answeredAt)}`
    : `Call ended at ${clock(entry.endedAt)}: finish your notes, then close this call.`;
  banner.replaceChildren(...present(
    el("h2", { class: "call-title" }, "Call from ", el("strong", {}, callerText(call))),
    el("span", {}, n === 0 ? "unknown caller" : n === 1 ? "1 customer" : `${n} customers share this number`),
    call.dnis ? el("span", {}, ` · line ${call.dnis}`) : null,
    el("span", { class: "reasons" }, ` · call ${call.callId}, rang `, ago(call.rangAt)),
    el("p", { class: "call-state", "data-state": entry.state }, state),
    entry.state === "ended" ? closeButton(call.callId) : null));
  entry.view.dataset.state = entry.state;
}

function closeButton(callId) {
  const button = el("button", { type: "button", class: "close-call" }, "Close this call");
  button.addEventListener("click", () => closeCall(callId));
  return button;
}

function unknownCaller(call) {
  return el("div", { class: "panel unknown" },
    el("h3", {}, "No customer on record for this number"),
    el("p", {}, "Nobody has given ", el("strong", { class: "number" }, call.e164 || call.ani),
      " in their profile. Ask for the caller's name or customer number and search for it in the CRM; a new customer's details can be recorded after the call."));
}

// ---- The pick-list: one compact row per customer, who needs attention first, the first expanded ----

const severityRank = { low: 1, medium: 2, high: 3, critical: 4 };
const moodRank = { angry: 4, fearful: 4, anxious: 3, suspicious: 3, secretlyPleased: 2, calm: 0 };
const tierOf = (card) => card.customer.value?.tier ?? card.decision?.service?.tier ?? "–";
const stageOf = (card) => card.customer.lifecycle?.stage ?? card.decision?.stage ?? "prospect";
const nameOf = (card) => card.customer.profile?.name || card.customer.customerId;
const worstComplaint = (card) => Math.max(0, ...(card.customer.openComplaints ?? []).map((k) => severityRank[k.severity] ?? 0));
/** The mood that still counts: the one the decision treats (recent, not resolved since). */
const moodOf = (card) => card.decision?.treatment?.emotion ?? null;

/** Open complaints (worst first, then how many) and a recent bad mood come before value. */
function sortByAttention(cards) {
  const key = (c) => [worstComplaint(c), c.customer.openComplaints?.length ?? 0, moodRank[moodOf(c)] ?? 0, c.customer.value?.netValue ?? -Infinity];
  return [...cards].sort((a, b) => {
    const [x, y] = [key(a), key(b)];
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return y[i] - x[i];
    return 0;
  });
}

function memberRow(entry, card, expanded) {
  const id = card.customer.customerId;
  const cardId = `card-${entry.call.callId}-${id}`.replace(/[^A-Za-z0-9_-]/g, "_");
  const row = el("button", { type: "button", class: "row", "aria-expanded": expanded ? "true" : "false", "aria-controls": cardId });
  const li = el("li", { class: "member", "data-customer-id": id },
    el("h3", { class: "row-head" }, row),
    renderCard(card, entry.call, cardId));
  li.querySelector(".card").hidden = !expanded;
  fillRow(row, card);
  row.addEventListener("click", () => {
    const open = row.getAttribute("aria-expanded") !== "true";
    row.setAttribute("aria-expanded", open ? "true" : "false");
    li.querySelector(".card").hidden = !open;
    if (open) row.querySelector(".changed").hidden = true;
  });
  return li;
}

function fillRow(row, card) {
  const c = card.customer, t = card.decision?.treatment;
  const complaints = c.openComplaints?.length ?? 0;
  const script = scriptOf(card);
  const changed = row.querySelector(".changed");
  const latest = c.recentInteractions?.[0];
  row.replaceChildren(...present(
    el("span", { class: "row-name", "data-row": "name" }, nameOf(card)),
    el("span", { class: `chip tier-${tierOf(card)}`, "data-row": "tier" }, `Tier ${tierOf(card)}${c.value?.tierName ? " · " + c.value.tierName : ""}`),
    el("span", { class: "chip plain", "data-row": "stage" }, say("stages", stageOf(card))),
    el("span", { class: `chip kind-${script.kind}`, "data-row": "treatment" }, script.title),
    el("span", { class: complaints ? "chip kind-escalate" : "chip plain", "data-row": "complaints" },
      complaints === 0 ? "no open complaint" : complaints === 1 ? "1 open complaint" : `${complaints} open complaints`),
    t?.emotion ? el("span", { class: "chip plain", "data-row": "mood" }, `mood: ${say("emotions", t.emotion)}`) : null,
    latest ? el("span", { class: "row-last", "data-row": "last" }, "Last: ", latest.summary, ", ", ago(latest.at)) : null,
    el("span", { class: "changed", hidden: changed ? changed.hidden : true }, "changed")));
}

// ---- Live updates: a card follows its customer; a collapsed row gets a "changed" badge ----

function onCard(update) {
  const entry = calls.get(update.callId);
  if (!entry) return;
  refreshCard(entry, update.card, true);
}

function refreshCard(entry, card, announce) {
  const id = card.customer.customerId;
  entry.call.cards = entry.call.cards.map((c) => c.customer.customerId === id ? card : c);
  const li = entry.view.querySelector(`.member[data-customer-id="${CSS.escape(id)}"]`);
  if (!li) return;
  const old = li.querySelector(".card");
  const row = li.querySelector(".row");
  fillRow(row, card);
  // The card is refreshed in place around its forms, so a note or preference being typed keeps its text and focus.
  const fresh = renderCard(card, entry.call, old.id);
  const forms = old.querySelector(".card-forms");
  for (const part of [...old.children]) if (part !== forms) part.remove();
  forms.before(...[...fresh.children].filter((part) => !part.classList.contains("card-forms")));
  if (!announce) return;
  if (old.hidden) {
    row.querySelector(".changed").hidden = false;
  } else {
    old.classList.remove("updated");
    void old.offsetWidth; // restarts the highlight when changes follow each other
    old.classList.add("updated");
  }
  $("announce").textContent = `${nameOf(card)} changed`;
}

// ---- The card: what to do now first, then the figures, honestly labelled ----

function scriptOf(card) {
  const name = card.decision?.treatment?.recoveryScript ?? texts.standardScript ?? "calm-customer-standard";
  const known = texts.scripts?.[name];
  return { name, kind: known?.kind ?? (card.decision?.treatment?.recoveryScript ? "recovery" : "standard"),
    title: known?.title ?? spell(name), say: known?.say, first: known?.first };
}

const reasonsOf = (list) => (list && list.length) ? el("span", { class: "reasons" }, " ", list.map((r) => r.text).join(" · ")) : null;

/** The steps for this call, most urgent first; never empty (at least the greeting). */
function whatToDo(card, call) {
  const c = card.customer, d = card.decision, t = d?.treatment;
  const steps = [];
  const escalateFrom = severityRank[texts.escalateFrom ?? "critical"];
  for (const k of (c.openComplaints ?? []).filter((k) => (severityRank[k.severity] ?? 0) >= escalateFrom)) {
    steps.push(["escalate", `Escalate now: complaint ${k.complaintId} is ${say("severities", k.severity)}${k.category ? ` (${k.category})` : ""}. Bring in a supervisor while the customer is on the line.`]);
  }
  const script = scriptOf(card);
  steps.push([script.kind, el("strong", {}, script.title), script.say ? `: ${script.say}` : "",
    script.first ? el("span", { class: "first-line" }, ` Start with: “${script.first}”`) : null, reasonsOf(t?.reasons)]);
  if (t?.apologise) {
    const open = (c.openComplaints ?? []).map((k) => k.complaintId).join(", ");
    steps.push(["recovery", `Apologise for the open complaint${(c.openComplaints?.length ?? 0) > 1 ? "s" : ""}${open ? ` (${open})` : ""} before anything else.`]);
  }
  if (t?.compensationEligible) steps.push(["recovery", `You may offer compensation of up to ${money(t.compensationLimit)}.`]);
  if (t?.firm) steps.push(["firm", "Hold to the policy: compensation only as the complaint rules allow, no extra offers."]);
  if (t?.informSupervisor) steps.push(["firm", "Tell your supervisor about this contact after the call."]);
  const actions = [...(d?.actions ?? [])].sort((a, b) => (a.channel === "phone" ? 0 : 1) - (b.channel === "phone" ? 0 : 1));
  for (const a of actions) {
    const what = `${say("actions", a.action)}${a.category ? ` (${a.category})` : ""}`;
    const budget = a.budget > 0 ? `, budget ${money(a.budget)} per customer` : "";
    steps.push([a.kind === "care" ? "care" : "offer", a.channel === "phone"
      ? `Offer now, on this call: ${what}${budget}.`
      : `After the call, ${say("channels", a.channel)}: ${what}${budget}.`, reasonsOf(a.reasons)]);
  }
  if (d?.service?.serviceLevel) steps.push(["standard", `${say("serviceLevels", d.service.serviceLevel)}.`]);
  if (!d) steps.push(["standard", "No decision could be made for this customer yet: serve them as a standard customer."]);
  return el("section", { class: "todo", "data-field": "todo" }, el("h4", {}, "What to do now"),
    el("ol", {}, steps.map(([kind, ...parts]) => el("li", { class: `step kind-${kind}` }, ...parts))));
}

function chanceActive(c) {
  const p = c.purchases ?? {};
  if (!p.purchases) return ["No purchase yet", "nothing to measure from"];
  if (!p.repeatPurchases) return ["Not measured yet", "it needs a repeat purchase: with one purchase so far the model cannot tell"];
  return c.value ? [pct(c.value.pAlive), "from the purchase rhythm and the time since the last purchase"] : ["Not measured yet", ""];
}

function renderCard(card, call, cardId) {
  const c = card.customer, d = card.decision, v = c.value ?? {}, p = c.profile ?? {};
  const tier = tierOf(card), stage = stageOf(card), script = scriptOf(card);
  const [active, activeWhy] = chanceActive(c);
  const lastPurchase = c.purchases?.lastPurchaseAt;
  const phones = p.phones ?? [];
  return el("article", { class: "card", id: cardId, "data-customer-id": c.customerId, "aria-label": `Customer ${nameOf(card)}` },
    el("p", { class: "stale-note" }, "Possibly out of date: live updates are paused"),
    whatToDo(card, call),
    el("div", { class: "headline" },
      el("div", { class: `badge tier-${tier}`, "data-field": "tier" }, el("span", { class: "k" }, "Tier"),
        el("span", { class: "v" }, `${tier}${v.tierName ? " · " + v.tierName : ""}`)),
      el("div", { class: `badge stage stage-${stage}`, "data-field": "stage" }, el("span", { class: "k" }, "Stage"), el("span", { class: "v" }, say("stages", stage))),
      el("div", { class: `badge treatment kind-${script.kind}`, "data-field": "treatment" }, el("span", { class: "k" }, "Treatment"),
        el("span", { class: "v" }, script.title))),
    el("div", { class: "grid" },
      el("section", {}, el("h4", {}, "Value"),
        el("dl", {},
          el("dt", {}, "Net value"), el("dd", { "data-field": "net-value" }, money(v.netValue)),
          el("dt", {}, "Lifetime value"), el("dd", { "data-field": "clv" }, money(v.clv), range(v.clvInterval, money, v.intervalLevel)),
          v.expectedPurchases !== undefined ? [el("dt", {}, "Next purchases"), el("dd", { "data-field": "expected-purchases" },
            `${count(v.expectedPurchases)} in ${Math.round(v.horizonWeeks)} weeks`, range(v.expectedPurchasesInterval, count, v.intervalLevel))] : null,
          v.contract ? [el("dt", {}, "Subscription"), el("dd", { "data-field": "contract" }, subscription(v.contract))] : null,
          el("dt", {}, "Still buying"), el("dd", { "data-field": "p-alive" }, active, activeWhy ? el("span", { class: "reasons" }, ` (${activeWhy})`) : null),
          el("dt", {}, "RFM score"), el("dd", { "data-field": "rfm" }, v.rfm ?? "not yet measured"),
          el("dt", {}, "Purchases"), el("dd", {}, `${c.purchases?.purchases ?? 0}, ${money(c.purchases?.netSpend ?? 0)} net`,
            lastPurchase ? [", last ", ago(lastPurchase)] : null),
          d?.service ? [el("dt", {}, "Queue priority"), el("dd", {}, `${d.service.routingPriority} (1 is served first)`)] : null)),
      el("section", {}, el("h4", {}, "Mood and complaints"),
        el("p", { "data-field": "mood" }, c.lastMood ? ["Last mood: ", say("emotions", c.lastMood.emotion), ` (${say("channelNames", c.lastMood.channel)}, `, ago(c.lastMood.at), ")"] : "No mood noted"),
        (c.openComplaints?.length)
          ? el("ul", { "data-field": "complaints" }, c.openComplaints.map((k) => el("li", { class: `complaint severity-${k.severity}` },
              `Open complaint ${k.complaintId}: ${say("severities", k.severity)}${k.category ? ", " + k.category : ""}, opened `, ago(k.openedAt))))
          : el("p", { class: "none", "data-field": "complaints" }, "No open complaint")),
      el("section", {}, el("h4", {}, "Contact"),
        el("dl", {}, el("dt", {}, "Phones"), el("dd", { "data-field": "phones" }, phones.length === 0 ? "none given"
            : phones.map((x, i) => [i > 0 ? ", " : "", el("span", { class: "phone" }, showPhone(x)),
              matches(x, call.e164) ? el("span", { class: "matched" }, " (calling)") : null])),
          el("dt", {}, "E-mail"), el("dd", { "data-field": "email" }, p.email ?? "none given"),
          el("dt", {}, "May contact"), el("dd", {}, Object.entries(p.consents ?? {}).filter(([, y]) => y).map(([k]) => say("channelNames", k)).join(", ") || "no marketing consent"))),
      el("section", {}, el("h4", {}, "Needs"),
        el("dl", {},
          el("dt", {}, "Likes"), el("dd", {}, (c.needs?.categories ?? []).slice(0, 3).map((x) => x.category).join(", ") || "not known yet"),
          el("dt", {}, "Uses most"), el("dd", {}, c.needs?.preferredChannel ? say("channelNames", c.needs.preferredChannel) : "not known yet"),
          el("dt", {}, "Best time"), el("dd", {}, c.needs?.preferredHour !== undefined && c.needs?.preferredHour !== null
            ? `around ${new Date(2000, 0, 1, c.needs.preferredHour).toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" })}` : "not known yet"),
          el("dt", {}, "Price"), el("dd", {}, c.needs?.price?.level ? say("priceLevels", c.needs.price.level) : "not known yet")),
        el("h4", {}, "Stated preferences"),
        Object.keys(p.preferences ?? {}).length
          ? el("ul", { "data-field": "preferences" }, Object.entries(p.preferences).map(([k, x]) => el("li", {}, `${spell(k)}: ${x.value}`)))
          : el("p", { class: "none", "data-field": "preferences" }, "None stated")),
      el("section", {}, el("h4", {}, "Latest interactions"),
        (c.recentInteractions?.length)
          ? el("ul", { "data-field": "recent" }, c.recentInteractions.map((r) => el("li", {}, ago(r.at), `: ${r.summary}`)))
          : el("p", { class: "none" }, "None"))),
    el("div", { class: "card-forms" }, preferenceForm(c.customerId, cardId), noteForm(c.customerId, cardId)));
}

// What became of a save: green when it was taken, red with the reason when it was not (nothing was saved then).
function showSaved(saved, r, done) {
  saved.classList.toggle("error", !r.ok);
  saved.textContent = r.ok ? done : `Not saved: ${problemText(r)}`;
}

function preferenceForm(customerId, cardId) {
  const key = `pref-key-${cardId}`, value = `pref-value-${cardId}`;
  const saved = el("p", { class: "saved", role: "status" });
  const form = el("form", { class: "inline" },
    el("div", {}, el("label", { for: key }, "Preference"), el("input", { id: key, required: true, maxlength: 64, placeholder: "e.g. drink" })),
    el("div", {}, el("label", { for: value }, "Value"), el("input", { id: value, required: true, placeholder: "e.g. carrot juice" })),
    el("button", { type: "submit" }, "Add preference"));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const r = await api(`/api/customers/${encodeURIComponent(customerId)}/preferences`,
      { method: "POST", body: JSON.stringify({ key: $(key).value, value: $(value).value }) });
    showSaved(saved, r, "Saved – the card updates in a moment");
    if (r.ok) form.reset();
  });
  return el("div", {}, form, saved);
}

function noteForm(customerId, cardId) {
  const id = `note-${cardId}`;
  const saved = el("p", { class: "saved", role: "status" });
  const form = el("form", { class: "inline note-form" },
    el("div", {}, el("label", { for: id }, "Note"), el("input", { id, required: true, maxlength: 2000 })),
    el("button", { type: "submit" }, "Add note"));
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    const r = await api(`/api/customers/${encodeURIComponent(customerId)}/notes`, { method: "POST", body: JSON.stringify({ text: $(id).value }) });
    showSaved(saved, r, "Saved");
    if (r.ok) form.reset();
  });
  return el("div", {}, form, saved);
}

$("sign-in-form").addEventListener("submit", async (e) => {
  e.preventDefault();
  const r = await api("/api/auth/login", { method: "POST", body: JSON.stringify({ userId: $("user-id").value, password: $("password").value }) });
  markInvalid(!r.ok);
  if (r.ok) { $("sign-in-error").textContent = ""; $("password").value = ""; signedIn(r.body); }
  else { $("sign-in-error").textContent = r.body?.title ?? "Sign-in failed"; $("password").focus(); }
});

// A refused sign-in marks both fields invalid (announced with the error) until the agent types again.
function markInvalid(invalid) {
  for (const id of ["user-id", "password"]) {
    if (invalid) { $(id).setAttribute("aria-invalid", "true"); $(id).setAttribute("aria-describedby", "sign-in-error"); }
    else $(id).removeAttribute("aria-invalid");
  }
}
for (const id of ["user-id", "password"]) $(id).addEventListener("input", () => markInvalid(false));

$("sign-out").addEventListener("click", async () => {
  await api("/api/auth/logout", { method: "POST" });
  showSignIn();
});

start();
