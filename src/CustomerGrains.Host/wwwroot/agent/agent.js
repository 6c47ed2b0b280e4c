// The agent desktop: sign in, keep one live connection (server-sent events), show the cards of a ringing call
// and replace a card when the customer changes during the call. No framework, no CDN: everything is served here.
"use strict";

const $ = (id) => document.getElementById(id);
let events = null;
let currentCall = null;
let reconnecting = undefined;

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") node.className = v; else if (k === "text") node.textContent = v; else node.setAttribute(k, v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

const money = (x) => (x === undefined || x === null) ? "–" : Number(x).toLocaleString(undefined, { maximumFractionDigits: 0 });
const pct = (x) => (x === undefined || x === null) ? "–" : `${Math.round(x * 100)}%`;
const when = (iso) => iso ? new Date(iso).toLocaleString() : "–";
const reasons = (list) => (list && list.length) ? el("div", { class: "reasons" }, list.map((r) => r.text).join(" · ")) : null;

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

async function start() {
  const me = await api("/api/auth/me");
  if (me.ok) { signedIn(me.body); } else { showSignIn(); }
}

function showSignIn() {
  if (events) { events.close(); events = null; }
  clearTimeout(reconnecting);
  setStatus("Signed out", false);
  // Nothing of the previous session stays in the page, whoever signs in next.
  currentCall = null;
  setConnectionLost(false);
  delete document.body.dataset.call;
  $("call").hidden = true; $("idle").hidden = false;
  $("call-banner").replaceChildren(); $("cards").replaceChildren(); $("announce").textContent = "";
  $("who").hidden = true; $("desk").hidden = true; $("sign-in").hidden = false;
  $("user-id").focus();
}

function signedIn(user) {
  $("sign-in").hidden = true; $("desk").hidden = false; $("who").hidden = false;
  $("user-name").textContent = user.name; $("user-role").textContent = user.role;
  connect();
}

function connect() {
  clearTimeout(reconnecting);
  setStatus("Connecting…", false);
  const source = new EventSource("/api/agent/events");
  events = source;
  source.addEventListener("ready", () => {
    setConnectionLost(false);
    setStatus(currentCall && !currentCall.ended ? `On call – ${currentCall.ani}` : "Connected – waiting for calls", true);
  });
  source.addEventListener("call", (e) => showCall(JSON.parse(e.data)));
  source.addEventListener("card", (e) => updateCard(JSON.parse(e.data)));
  source.addEventListener("ended", (e) => endCall(JSON.parse(e.data)));
  // The session ended elsewhere (signed out in another tab, removed or given another role, too old): say why.
  source.addEventListener("signed-out", (e) => {
    showSignIn();
    $("sign-in-error").textContent = JSON.parse(e.data).reason;
  });
  source.onerror = async () => {
    if (events !== source) return;
    setStatus("Connection lost – reconnecting…", false);
    setConnectionLost(true);
    const me = await api("/api/auth/me");
    if (events !== source) return;
    if (me.status === 401) { showSignIn(); return; }
    // The browser retries a dropped connection by itself, but gives up for good on an error answer (a host that is
    // still starting): then the page opens a new one itself, so "reconnecting" stays true.
    if (source.readyState === EventSource.CLOSED) {
      clearTimeout(reconnecting);
      reconnecting = setTimeout(() => { if (events === source) { source.close(); connect(); } }, 2000);
    }
  };
}

// While the live feed is down the page says so, and whatever card is shown is marked as possibly out of date.
function setConnectionLost(lost) {
  $("connection-lost").hidden = !lost;
  $("cards").classList.toggle("stale", lost);
  document.body.dataset.feed = lost ? "lost" : "live";
}

function setStatus(text, live) {
  const s = $("status");
  s.textContent = text;
  s.classList.toggle("live", live);
  document.body.dataset.connected = live ? "true" : "false";
}

function showCall(call) {
  currentCall = call;
  $("idle").hidden = true; $("call").hidden = false;
  document.body.dataset.call = "active";
  const n = call.cards.length;
  $("call-banner").replaceChildren(
    el("h2", { class: "call-title" }, "Call from ", el("strong", {}, call.ani)),
    el("span", {}, `· ${n === 0 ? "unknown caller" : n === 1 ? "1 customer" : `${n} customers share this number`}`),
    call.dnis ? el("span", {}, ` · line ${call.dnis}`) : null,
    el("span", { class: "reasons" }, ` · call ${call.callId}, rang ${when(call.rangAt)}`),
    el("p", { class: "call-state", id: "call-state" }, "Call in progress"));
  setStatus(`On call – ${call.ani}`, events !== null && document.body.dataset.feed !== "lost");
  const unknown = $("unknown-caller");
  unknown.hidden = n > 0;
  unknown.replaceChildren(...(n > 0 ? [] : [
    el("h3", {}, "No customer on record for this number"),
    el("p", {}, "Nobody has given ", el("strong", { class: "number" }, call.e164 || call.ani),
      " in their profile. Ask for the caller's name or customer number and search for it in the CRM; a new customer's details can be recorded after the call.")]));
  $("cards").replaceChildren(...call.cards.map(renderCard));
  const first = call.cards[0];
  $("announce").textContent = first
    ? `Incoming call from ${first.customer.profile.name || first.customer.customerId}, tier ${tierOf(first)}, ${stageOf(first)}`
    : `Incoming call from ${call.ani}, no customer on record`;
}

function endCall(ended) {
  if (!currentCall || ended.callId !== currentCall.callId) return;
  currentCall.ended = true;
  document.body.dataset.call = "ended";
  const state = $("call-state");
  if (state) state.textContent = `Call ended at ${new Date(ended.endedAt).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })}: finish your notes; the next call replaces this one.`;
  setStatus("Call ended – waiting for calls", document.body.dataset.feed !== "lost");
  $("announce").textContent = "The call ended";
}

function updateCard(update) {
  if (!currentCall || update.callId !== currentCall.callId) return;
  const id = update.card.customer.customerId;
  const old = document.querySelector(`.card[data-customer-id="${CSS.escape(id)}"]`);
  if (!old) return;
  // The card is refreshed in place around its forms, so a note or preference being typed keeps its text and focus.
  const fresh = renderCard(update.card);
  const forms = old.querySelector(".card-forms");
  for (const part of [...old.children]) if (part !== forms) part.remove();
  forms.before(...[...fresh.children].filter((part) => !part.classList.contains("card-forms")));
  old.setAttribute("aria-label", fresh.getAttribute("aria-label"));
  old.classList.remove("updated");
  void old.offsetWidth; // restarts the highlight when changes follow each other
  old.classList.add("updated");
  $("announce").textContent = `${update.card.customer.profile.name || id} changed`;
}

const tierOf = (card) => card.customer.value?.tier ?? card.decision?.service?.tier ?? "–";
const stageOf = (card) => card.customer.lifecycle?.stage ?? card.decision?.stage ?? "–";

function renderCard(card) {
  const c = card.customer, d = card.decision, v = c.value || {}, p = c.profile || {};
  const tier = tierOf(card), stage = stageOf(card);
  const t = d?.treatment;
  const treatmentText = t?.recoveryScript ? t.recoveryScript : "standard greeting";
  const calm = !t?.recoveryScript && !t?.apologise && !t?.compensationEligible;
  const name = p.name || c.customerId;
  return el("article", { class: "card", "data-customer-id": c.customerId, "aria-label": `Customer ${name}` },
    el("div", { class: "card-head" }, el("h3", {}, name), el("span", { class: "cid" }, c.customerId),
      d?.service ? el("span", {}, `${d.service.serviceLevel} · routing priority ${d.service.routingPriority}`) : null),
    el("div", { class: "headline" },
      el("div", { class: `badge tier-${tier}`, "data-field": "tier" }, el("span", { class: "k" }, "Tier"),
        el("span", { class: "v" }, `${tier}${v.tierName ? " · " + v.tierName : ""}`)),
      el("div", { class: `badge stage stage-${stage}`, "data-field": "stage" }, el("span", { class: "k" }, "Stage"), el("span", { class: "v" }, stage)),
      el("div", { class: `badge treatment${calm ? " calm" : ""}`, "data-field": "treatment" }, el("span", { class: "k" }, "Treatment"),
        el("span", { class: "v" }, treatmentText),
        t?.apologise ? el("div", {}, "Apologise first.") : null,
        t?.compensationEligible ? el("div", {}, `Compensation eligible up to ${money(t.compensationLimit)}`) : null,
        reasons(t?.reasons))),
    el("div", { class: "grid" },
      el("section", {}, el("h4", {}, "What to do"),
        (d?.actions?.length) ? el("ul", {}, d.actions.map((a) => el("li", {}, `${a.action} (${a.kind}, via ${a.channel})`, reasons(a.reasons))))
          : el("p", { class: "none" }, "No action offered"),
        d?.marketing ? el("p", {}, `Marketing mode: ${d.marketing.mode}`) : null),
      el("section", {}, el("h4", {}, "Value"),
        el("dl", {}, el("dt", {}, "Net value"), el("dd", {}, money(v.netValue)),
          el("dt", {}, "CLV"), el("dd", {}, money(v.clv)),
          el("dt", {}, "P(alive)"), el("dd", {}, pct(v.pAlive)),
          el("dt", {}, "RFM"), el("dd", {}, v.rfm ?? "–"),
          el("dt", {}, "Purchases"), el("dd", {}, `${c.purchases?.purchases ?? 0}, net ${money(c.purchases?.netSpend)} ${c.purchases?.currency ?? ""}`))),
      el("section", {}, el("h4", {}, "Mood and complaints"),
        el("p", { "data-field": "mood" }, c.lastMood ? `Last mood: ${c.lastMood.emotion} (${c.lastMood.channel}, ${when(c.lastMood.at)})` : "No mood noted"),
        (c.openComplaints?.length)
          ? el("ul", { "data-field": "complaints" }, c.openComplaints.map((k) => el("li", { class: "complaint" },
              `Open complaint ${k.complaintId}: ${k.severity}${k.category ? ", " + k.category : ""}, ${Math.floor(k.ageDays)} days old`)))
          : el("p", { class: "none", "data-field": "complaints" }, "No open complaint")),
      el("section", {}, el("h4", {}, "Contact"),
        el("dl", {}, el("dt", {}, "Phones"), el("dd", { "data-field": "phones" }, (p.phones || []).join(", ") || "–"),
          el("dt", {}, "E-mail"), el("dd", { "data-field": "email" }, p.email ?? "–"),
          el("dt", {}, "Consents"), el("dd", {}, Object.entries(p.consents || {}).filter(([, y]) => y).map(([k]) => k).join(", ") || "none"))),
      el("section", {}, el("h4", {}, "Needs"),
        el("dl", {},
          el("dt", {}, "Likes"), el("dd", {}, (c.needs?.categories || []).slice(0, 3).map((x) => x.category).join(", ") || "–"),
          el("dt", {}, "Channel"), el("dd", {}, c.needs?.preferredChannel ?? "–"),
          el("dt", {}, "Best hour"), el("dd", {}, c.needs?.preferredHour ?? "–"),
          el("dt", {}, "Price"), el("dd", {}, c.needs?.price?.level ?? "–")),
        el("h4", {}, "Stated preferences"),
        Object.keys(p.preferences || {}).length
          ? el("ul", { "data-field": "preferences" }, Object.entries(p.preferences).map(([k, x]) => el("li", {}, `${k}: ${x.value}`)))
          : el("p", { class: "none", "data-field": "preferences" }, "None stated")),
      el("section", {}, el("h4", {}, "Latest interactions"),
        (c.recentInteractions?.length)
          ? el("ul", { "data-field": "recent" }, c.recentInteractions.map((r) => el("li", {}, `${when(r.at)}: ${r.summary}`)))
          : el("p", { class: "none" }, "None"))),
    el("div", { class: "card-forms" }, preferenceForm(c.customerId), noteForm(c.customerId)));
}

// What became of a save: green when it was taken, red with the reason when it was not (nothing was saved then).
function showSaved(saved, r, done) {
  saved.classList.toggle("error", !r.ok);
  saved.textContent = r.ok ? done : `Not saved: ${r.body?.detail ?? r.body?.title ?? `the engine answered ${r.status}`}`;
}

function preferenceForm(customerId) {
  const key = `pref-key-${customerId}`, value = `pref-value-${customerId}`;
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

function noteForm(customerId) {
  const id = `note-${customerId}`;
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
