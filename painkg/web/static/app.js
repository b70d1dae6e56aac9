// painkg explorer: one page over the JSON API (docs/WEB.md). Vanilla JavaScript, no build step,
// nothing fetched but this server. Every text from the API is inserted as text (never as HTML),
// except the diagram, which is SVG drawn by Graphviz on this server.
"use strict";

const STATES = ["present", "absent", "possible", "unknown"];
const STATE_WORDS = {present: "present", absent: "absent", possible: "suspected", unknown: "not known"};
// Said twice (a chip and a note), the stronger state wins, as in the API: present over suspected
// over absent over not known.
const STRENGTH = {unknown: 0, absent: 1, possible: 2, present: 3};
const EFFECT_WORDS = {"aggravated-by": "worse with", "relieved-by": "eased by"};
const REGION_WORDS = {
  "hip": "hip", "lumbar-spine": "lumbar spine", "sacroiliac-pelvis": "sacroiliac joint & pelvis", "nerve": "nerve",
  "thigh-leg": "thigh & leg", "abdomen-pelvic-organs": "abdominal & pelvic organs", "vascular": "blood vessels",
  "systemic": "systemic (rheumatological, cancer)", "other": "other",
};
const GRADE_WORDS = {"recommended": "recommended", "conditional": "consider", "not-recommended": "advised against"};
const VIEW_WORDS = {front: "front view", back: "back view", side: "side view"};

const state = {setting: "primary-care", findings: [], open: null, addAs: "present", settings: [], chart: {}};
let last = null;          // the last /api/trace answer
let traceSeq = 0;         // answers to older requests are dropped
let searchSeq = 0;
let searchTimer = null;
let suggestions = [];
let suggestionsFor = null; // the text the shown suggestions answer
let active = -1;
let downloadUrl = null;
let diagramText = null;   // the whole SVG of the open candidate's diagram, for the full-size view
const nodeCache = new Map();
const $ = (id) => document.getElementById(id);

// ------------------------------------------------------------------ small helpers

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") e.className = v;
    else if (k === "text") e.textContent = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

function fill(parent, ...children) {
  // replaceChildren() would write null as "null": drop empty parts, flatten nested lists.
  parent.replaceChildren(...children.flat(Infinity).filter((c) => c !== null && c !== undefined && c !== false));
  return parent;
}

function pct(x) {
  if (x === null || x === undefined) return "–";
  if (x >= 0.001) return (x * 100).toFixed(1) + " %";
  return "< 0.1 %";
}

function key(f) { return f.id + (f.relation ? "." + f.relation : ""); }

function findingName(f) {
  const label = f.label || f.id;
  return f.relation ? `${EFFECT_WORDS[f.relation]} ${label}` : label;
}

function label(id) { return (last && last.labels && last.labels[id]) || state.chart[id] || id; }

async function api(path, options) {
  // Resolves with the answer's JSON, or rejects with an Error carrying the server's one line.
  const response = await fetch(path, options);
  let data;
  try {
    data = await response.json();
  } catch (e) {
    const err = new Error(`${path.split("?")[0]}: the server answered ${response.status} without JSON`);
    err.status = response.status;
    throw err;
  }
  if (!response.ok) {
    const err = new Error((data && data.error) || `error ${response.status}`);
    err.data = data;
    err.status = response.status;
    throw err;
  }
  return data;
}

function errorText(err) { return (err && err.message) || String(err); }

function showError(text) {
  const box = $("error");
  box.textContent = text;
  box.hidden = !text;
}

function caseStatus(text) { $("case-status").textContent = text; }

function bump(name) {
  // A counter per kind of update (renders, suggestions, panels, diagrams, notes) and a User Timing
  // mark, so a test or a profiler can tell when an interaction has been answered.
  const d = document.documentElement.dataset;
  d[name] = String(Number(d[name] || 0) + 1);
  if (performance.mark) performance.mark("painkg-" + name);
}

function capital(s) { return s ? s.charAt(0).toUpperCase() + s.slice(1) : s; }

// ------------------------------------------------------------------ the case and the URL

function caseQuery() {
  const p = new URLSearchParams();
  p.append("setting", state.setting);
  for (const f of state.findings) p.append(f.state, key(f));
  return p.toString();
}

function writeUrl() {
  const q = caseQuery() + (state.open ? "&open=" + encodeURIComponent(state.open) : "");
  history.replaceState(null, "", "?" + q);
  const blob = new Blob([JSON.stringify(caseJson(), null, 2) + "\n"], {type: "application/json"});
  if (downloadUrl) URL.revokeObjectURL(downloadUrl);
  downloadUrl = URL.createObjectURL(blob);
  $("download").href = downloadUrl;
}

function caseJson() {
  return {
    painkg_case: 1, setting: state.setting,
    findings: state.findings.map((f) => Object.assign({id: f.id, state: f.state, label: f.label, kind: f.kind},
                                                      f.relation ? {relation: f.relation} : {})),
  };
}

function readUrl() {
  const params = new URLSearchParams(location.search);
  const query = new URLSearchParams();
  for (const [k, v] of params) {
    if (k === "open") state.open = v;
    else if (k === "setting") state.setting = v;
    if (k !== "open") query.append(k, v);
  }
  return query.toString();
}

function addFinding(f, announce) {
  // A user's own change (a search pick, an answer, the chart): it replaces the finding.
  const k = key(f);
  const at = state.findings.findIndex((x) => key(x) === k);
  if (at >= 0) state.findings.splice(at, 1);
  state.findings.push(f);
  if (announce) caseStatus(`${findingName(f)} added as ${STATE_WORDS[f.state]}.`);
}

function setFindings(resolved) {
  state.findings = resolved.map((f) => ({id: f.id, state: f.state, relation: f.relation || null, label: f.label,
                                         kind: f.kind, red_flag: f.red_flag}));
}

// ------------------------------------------------------------------ trace

async function update(opts) {
  opts = opts || {};
  writeUrl();
  renderChips(opts.focusKey);
  renderChart();
  const seq = ++traceSeq;
  if (!state.findings.length) {
    last = null;
    renderResults(null);
    return;
  }
  try {
    const data = await api("/api/trace?" + caseQuery() + "&limit=10");
    if (seq !== traceSeq) return;
    last = data;
    setFindings(data.case.findings);
    renderChips(opts.focusKey);
    renderChart();
    showError("");
    renderResults(data);
  } catch (err) {
    if (seq !== traceSeq) return;
    showError(errorText(err));
    bump("renders");
  }
}

// ------------------------------------------------------------------ rendering the case

function renderChips(focusKey) {
  const list = $("chips");
  const had = focusKey || (document.activeElement && document.activeElement.dataset && document.activeElement.dataset.key &&
                           list.contains(document.activeElement) ? document.activeElement.dataset.key : null);
  const hadRemove = document.activeElement && document.activeElement.classList &&
                    document.activeElement.classList.contains("remove");
  list.replaceChildren();
  for (const f of state.findings) {
    const name = findingName(f);
    const next = STATES[(STATES.indexOf(f.state) + 1) % STATES.length];
    // The name is the visible text ("numbness absent"), so speech input can say what it sees.
    const chip = el("button", {
      type: "button", class: `chip ${f.state}${f.red_flag ? " flag" : ""}`, "data-key": key(f),
      onclick: () => { f.state = next; caseStatus(`${name}: now ${STATE_WORDS[next]}.`); update({focusKey: key(f)}); },
    }, el("span", {class: "name", text: (f.state === "possible" ? "?" : "") + name}),
       el("span", {class: "state", text: STATE_WORDS[f.state]}),
       f.red_flag ? el("span", {class: "badge flag", text: "red flag"}) : null,
       el("span", {class: "visually-hidden", text: `; activate to mark ${STATE_WORDS[next]}`}));
    const remove = el("button", {
      type: "button", class: "remove", "data-key": key(f), "aria-label": `Remove ${name}`, text: "×",
      onclick: () => removeFinding(f),
    });
    list.append(el("li", {}, chip, remove));
  }
  $("chips-empty").hidden = state.findings.length > 0;
  if (had) {
    const sel = `[data-key="${CSS.escape(had)}"]${hadRemove ? ".remove" : ".chip"}`;
    const target = list.querySelector(sel) || list.querySelector(`[data-key="${CSS.escape(had)}"]`);
    if (target) target.focus();
  }
}

function removeFinding(f) {
  const at = state.findings.indexOf(f);
  if (at < 0) return;
  state.findings.splice(at, 1);
  caseStatus(`${findingName(f)} removed.`);
  const next = state.findings[Math.min(at, state.findings.length - 1)];
  if (!next) $("search").focus();
  update({focusKey: next ? key(next) : null});
}

// ------------------------------------------------------------------ the body chart

function sites() { return [...document.querySelectorAll("#chart .site:not([hidden])")]; }

function setupChart() {
  const all = [...document.querySelectorAll("#chart .site")];
  for (const s of all) {
    if (!(s.dataset.site in state.chart)) { s.setAttribute("hidden", ""); continue; }
    s.setAttribute("role", "button");
    s.setAttribute("tabindex", "-1");
    s.addEventListener("click", () => { s.focus({preventScroll: true}); cycleSite(s.dataset.site); });
    s.addEventListener("keydown", chartKeys);
    s.addEventListener("focus", () => { for (const o of sites()) o.setAttribute("tabindex", o === s ? "0" : "-1"); });
  }
  const first = sites()[0];
  if (first) first.setAttribute("tabindex", "0");
  renderChart();
}

function chartKeys(ev) {
  const list = sites();
  const at = list.indexOf(ev.currentTarget);
  let to = null;
  if (ev.key === "ArrowRight" || ev.key === "ArrowDown") to = (at + 1) % list.length;
  else if (ev.key === "ArrowLeft" || ev.key === "ArrowUp") to = (at - 1 + list.length) % list.length;
  else if (ev.key === "Home") to = 0;
  else if (ev.key === "End") to = list.length - 1;
  else if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); cycleSite(ev.currentTarget.dataset.site); return; }
  if (to !== null) { ev.preventDefault(); list[to].focus(); }
}

function cycleSite(id) {
  // Not in the case → present → absent → removed; suspected or not known → present.
  const f = state.findings.find((x) => x.id === id && !x.relation);
  const name = state.chart[id] || id;
  if (!f) {
    addFinding({id, state: "present", relation: null, label: name, kind: "symptom", red_flag: false}, false);
    caseStatus(`${name} added as present.`);
  } else if (f.state === "present") {
    f.state = "absent";
    caseStatus(`${name}: now absent.`);
  } else if (f.state === "absent") {
    state.findings.splice(state.findings.indexOf(f), 1);
    caseStatus(`${name} removed.`);
  } else {
    f.state = "present";
    caseStatus(`${name}: now present.`);
  }
  update();
}

function renderChart() {
  const states = new Map(state.findings.filter((f) => !f.relation).map((f) => [f.id, f.state]));
  for (const s of document.querySelectorAll("#chart .site")) {
    const st = states.get(s.dataset.site) || "";
    s.setAttribute("class", "site" + (st ? " " + st : ""));
    const name = state.chart[s.dataset.site] || s.dataset.site;
    const now = st ? STATE_WORDS[st] : "not in the case";
    const next = !st ? "add it as present" : st === "present" ? "mark it absent" : st === "absent" ? "remove it" : "mark it present";
    s.setAttribute("aria-label", `${name}, ${VIEW_WORDS[s.dataset.view]}: ${now}; activate to ${next}`);
    s.setAttribute("aria-pressed", String(st === "present"));
    let title = s.querySelector("title");
    if (!title) { title = document.createElementNS($("chart").namespaceURI, "title"); s.append(title); }
    title.textContent = `${name}: ${now}`;
  }
}

// ------------------------------------------------------------------ rendering the results

function regionOf(id) {
  const c = last && last.candidates.find((x) => x.id === id);
  return c && c.region in REGION_WORDS ? c.region : "other";
}

function renderResults(data) {
  const flags = data ? data.red_flags : [];
  const urgent = flags.filter((f) => f.level === "urgent");
  const checks = flags.filter((f) => f.level === "check");
  const said = (f) => capital(f.message.replace(/^red flag: /, ""));
  $("flag-list").replaceChildren(...urgent.map((f) => el("li", {"data-id": f.id, text: said(f)})));
  $("flags").hidden = !urgent.length;
  $("check-list").replaceChildren(...checks.map((f) => el("li", {"data-id": f.id, text: said(f)})));
  $("checks").hidden = !checks.length;

  const rows = data ? data.rows || [] : [];
  const list = $("candidates");
  const focused = document.activeElement && list.contains(document.activeElement)
    ? document.activeElement.dataset.id : null;
  list.replaceChildren(...rows.map(rowItem));
  if (focused) {
    const again = list.querySelector(`button.cand[data-id="${CSS.escape(focused)}"]`);
    if (again) again.focus();
  }
  const cands = data ? data.candidates : [];
  const first = rows.find((r) => r.kind === "candidate" || r.kind === "pair");
  if (!data) {
    $("summary").textContent = "Add a finding to rank the sources.";
  } else if (!first) {
    $("summary").textContent = data.message ? capital(data.message) + "." : "No candidate explains these findings.";
  } else {
    const name = first.kind === "pair" ? first.members.map(label).join(" + ") : label(first.id);
    const flagged = urgent.length ? ` Red flag${urgent.length > 1 ? "s" : ""}: see the banner above.` : "";
    $("summary").textContent = `${name} ranks first at ${first.percent}.${flagged}`;
  }
  $("meaning").hidden = !rows.length;
  const bar = $("to-results");
  bar.textContent = first
    ? `First: ${first.kind === "pair" ? first.members.map(label).join(" + ") : label(first.id)} ${first.percent} · the ranking ↓` : "";
  bar.dataset.has = first ? "1" : "";
  placeBar();
  const unexplained = data ? data.unexplained || [] : [];
  $("unexplained").hidden = !unexplained.length;
  $("unexplained").textContent = unexplained.length
    ? "Explained by no candidate: " + unexplained.map(label).join(", ") + "." : "";

  const groups = data ? data.groups : [];
  $("groups").replaceChildren(...groups.slice(0, 5).map((g) => el("li", {},
    el("b", {text: g.label}), ` ${pct(g.score)}: `,
    g.members.slice(0, 4).map((m) => `${label(m.id)} ${pct(m.score)}`).join(", "))));
  $("groups-box").hidden = !groups.length;

  renderQuestions(data);
  if (state.open && !cands.some((c) => c.id === state.open)) {
    closePanel(false);
  } else if (state.open) {
    renderPanel(state.open, false);
  }
  bump("renders");
}

function barFill(tenths, region) {
  const fill = el("span", {class: "fill"});
  fill.style.width = Math.max(0, Math.min(100, tenths / 10)).toFixed(1) + "%";
  fill.style.setProperty("--region", `var(--${region})`);
  return fill;
}

function rowItem(r) {
  if (r.kind === "candidate") return el("li", {}, candidateButton(r));
  if (r.kind === "pair") {
    const names = r.members.map(label).join(" + ");
    const box = el("div", {class: "cand pair", "data-pair": r.members.join("+")},
      el("span", {class: "rank", text: r.rank + "."}),
      el("span", {class: "name"}, el("b", {text: names}), r.name ? `: ${r.name}` : "", el("br"),
         el("span", {class: "region", text: "two sources at once"})),
      el("span", {class: "pct", text: r.percent}),
      el("span", {class: "bar", "aria-hidden": "true"}, barFill(r.tenths, regionOf(r.members[0]))));
    box.style.setProperty("--region", `var(--${regionOf(r.members[0])})`);
    return el("li", {}, box);
  }
  const words = r.kind === "other" ? "Something else, not in the knowledge base"
    : `Other candidates${r.count ? ` (${r.count} under 0.1 % each, and those beyond the list)` : " (beyond the list)"}`;
  return el("li", {}, el("div", {class: "cand rest", "data-rest": r.kind},
    el("span", {class: "rank", text: ""}),
    el("span", {class: "name", text: words}),
    el("span", {class: "pct", text: r.percent}),
    el("span", {class: "bar", "aria-hidden": "true"}, barFill(r.tenths, "other"))));
}

function candidateButton(r) {
  const c = last.candidates.find((x) => x.id === r.id) || {id: r.id, label: label(r.id), region: "other"};
  const region = c.region in REGION_WORDS ? c.region : "other";
  const button = el("button", {
    type: "button", class: "cand", "data-id": c.id, "aria-expanded": String(state.open === c.id),
    "aria-controls": "panel",
    onclick: () => (state.open === c.id ? closePanel(true) : openPanel(c.id)),
  },
  el("span", {class: "rank", text: r.rank + "."}),
  el("span", {class: "name"},
     el("b", {text: c.label}),
     c.via ? ` (via ${label(c.via)})` : "",
     c.red_flag ? el("span", {class: "badge flag", text: "red flag"}) : null,
     r.paired ? el("span", {class: "badge paired", text: "also in a pair"}) : null,
     el("br"),
     el("span", {class: "region", text: REGION_WORDS[region]})),
  el("span", {class: "pct", text: r.percent}),
  el("span", {class: "bar", "aria-hidden": "true"}, barFill(r.tenths, region)));
  button.style.setProperty("--region", `var(--${region})`);
  return button;
}

function questionText(q) {
  const name = q.label;
  if (q.kind === "symptom") return `Does the patient have ${name}?`;
  if (q.kind === "condition") return `Is ${name} known or suspected?`;
  if (q.kind === "test") return `Is the ${name} positive?`;
  if (/\b(test|sign|manoeuvre|maneuver)$/i.test(name)) return `Is the ${name} positive?`;
  return `Is there ${name}?`;
}

function renderQuestions(data) {
  const inCase = new Set(state.findings.map((f) => f.id));
  const asked = (data ? data.next_findings : []).filter((q) => !inCase.has(q.id));
  const list = $("questions");
  const hadFocus = list.contains(document.activeElement);
  list.replaceChildren(...asked.map((q) => {
    const text = questionText(q);
    const answer = (st, word) => el("button", {
      type: "button", "data-answer": st, "data-id": q.id,
      onclick: () => {
        addFinding({id: q.id, state: st, relation: null, label: q.label, kind: q.kind}, false);
        caseStatus(`${q.label}: ${word.toLowerCase()} (${STATE_WORDS[st]}).`);
        update();
      },
    }, word);
    return el("li", {"data-id": q.id},
      el("p", {class: "question", id: `q-${q.id}`, text}),
      el("p", {class: "why", text: capital(q.why) + "."}),
      el("div", {class: "answers", role: "group", "aria-labelledby": `q-${q.id}`},
        answer("present", "Yes"), answer("absent", "No"), answer("unknown", "Don't know")));
  }));
  $("questions-box").hidden = !asked.length;
  if (hadFocus) {  // an answer removed the question that had focus: go on to the next one
    const first = list.querySelector("button");
    (first || $("results")).focus();
  }
}

let resultsSeen = false;
function placeBar() {
  // Shown on a narrow screen while the ranking is out of view and there is one.
  const bar = $("to-results");
  bar.hidden = !bar.dataset.has || resultsSeen;
  document.body.classList.toggle("has-bar", !bar.hidden);
}

// ------------------------------------------------------------------ the candidate panel

function wide() { return window.matchMedia("(min-width: 64rem)").matches; }

function openPanel(id) {
  state.open = id;
  writeUrl();
  renderPanel(id, true);
  for (const b of document.querySelectorAll("button.cand")) b.setAttribute("aria-expanded", String(b.dataset.id === id));
}

function closePanel(returnFocus) {
  const id = state.open;
  state.open = null;
  $("panel").hidden = true;
  $("panel").replaceChildren();
  $("layout").classList.remove("with-panel");
  diagramText = null;
  writeUrl();
  for (const b of document.querySelectorAll("button.cand")) b.setAttribute("aria-expanded", "false");
  if (returnFocus && id) {
    const b = document.querySelector(`button.cand[data-id="${CSS.escape(id)}"]`);
    if (b) b.focus();
  }
}

function refItem(k, refs) {
  const r = refs[k];
  if (!r) return el("li", {}, el("span", {class: "refkey", text: k}));
  const ids = [r.pmid ? `PMID ${r.pmid}` : "", r.doi ? `DOI ${r.doi}` : ""].filter(Boolean).join(" · ");
  const kind = r.kind_label
    ? el("span", {class: `kind${r.weak ? " weak" : ""}${r.kind === "not-stated" ? " unstated" : ""}`,
                  text: r.weak ? `${r.kind_label}: weaker than a cohort study` : r.kind_label})
    : null;
  return el("li", {"data-ref": k, "data-kind": r.kind || ""}, el("span", {class: "refkey", text: k}), " ", kind,
            `: ${r.citation}`, ids ? ` (${ids})` : "");
}

function refList(keys, refs) {
  const items = [...new Set(keys)].map((k) => refItem(k, refs));
  return items.length ? el("ul", {class: "refs"}, items) : null;
}

function weakOnly(keys, refs) {
  // Whether every reference behind a claim is weaker than a cohort study (or there is none).
  const known = [...new Set(keys)].filter((k) => refs[k]);
  return known.length > 0 && known.every((k) => refs[k].weak);
}

function renderPanel(id, focus) {
  const c = last && last.candidates.find((x) => x.id === id);
  const panel = $("panel");
  if (!c) { closePanel(false); return; }
  const refs = last.references || {};
  const row = (last.rows || []).find((r) => r.kind === "candidate" && r.id === id);
  const rank = row ? row.rank : last.candidates.indexOf(c) + 1;
  const region = c.region in REGION_WORDS ? c.region : "other";
  const prior = c.prior_published ? "a published prevalence in this setting" : "a stated default (no prevalence published)";

  const explains = c.explanations.map((e) => {
    const keys = e.paths.flatMap((p) => p.steps.flatMap((s) => s.references));
    return el("li", {"data-observation": e.observation},
      el("h4", {}, `${label(e.observation)} — likelihood ${pct(e.likelihood)}`,
         weakOnly(keys, refs) ? el("span", {class: "badge weak", text: "weaker evidence than a cohort study"}) : null),
      e.paths.map((p) => [
        el("p", {class: "path", text: p.text}),
        refList(p.steps.flatMap((s) => s.references), refs),
      ]),
      (e.how || []).map((h) => el("p", {class: "hint", text: `How (shown, not counted): ${h}`})));
  });

  const against = c.contributions.filter((x) => x.likelihood_ratio !== null && x.likelihood_ratio < 1)
    .map((x) => el("li", {}, `${x.present ? "" : "no "}${label(x.observation)}: `,
                   el("b", {text: `× ${x.likelihood_ratio.toFixed(2)}`}), " on the odds"));
  const excluded = (c.excluded_by || []).map((o) => el("li", {}, `excluded by ${label(o)}`));
  const unexplained = c.unexplained.map((o) => el("li", {}, `does not explain ${label(o)}`));
  const supports = c.contributions.filter((x) => x.likelihood_ratio !== null && x.likelihood_ratio > 1)
    .map((x) => el("li", {}, `${x.present ? "" : "no "}${label(x.observation)}: `,
                   el("b", {text: `× ${x.likelihood_ratio.toFixed(2)}`})));

  const groups = [["recommended", "Recommended"], ["conditional", "Consider"], ["not-recommended", "Advised against"],
                  [null, "Other treatments (no guideline grade)"]];
  const treated = c.treatments.filter((t) => t.relation === "treated-by");
  const prevention = c.treatments.filter((t) => t.relation === "prevented-by");
  const treatItem = (t) => el("li", {}, t.label, " ",
    t.qualifier ? el("span", {class: `grade ${t.qualifier}`, text: GRADE_WORDS[t.qualifier] || t.qualifier}) : null,
    t.references.length ? el("span", {class: "hint", text: ` [${t.references.join(", ")}]`}) : null);
  const treatments = groups.map(([q, title]) => {
    const items = treated.filter((t) => (t.qualifier || null) === q);
    return items.length ? [el("h4", {text: title}), el("ul", {class: "treatments"}, items.map(treatItem))] : null;
  });
  if (prevention.length) treatments.push([el("h4", {text: "Prevention"}), el("ul", {class: "treatments"}, prevention.map(treatItem))]);
  const panelRefs = [
    ...c.explanations.flatMap((e) => e.paths.flatMap((p) => p.steps.flatMap((s) => s.references))),
    ...c.treatments.flatMap((t) => t.references),
  ];
  const share = row ? `${row.percent} alone${row.paired ? " (also in a pair)" : ""}` : `${pct(c.score)} alone`;

  fill(panel,
    el("button", {type: "button", class: "close", onclick: () => closePanel(true)}, "Close"),
    el("h2", {id: "panel-title", text: `${rank}. ${c.label}`}),
    el("p", {class: "facts"}, `${share} · ${REGION_WORDS[region]} · prior ${c.prior.toPrecision(2)}, ${prior}`,
       c.red_flag ? el("span", {class: "badge flag", text: "red flag"}) : null),
    c.via ? el("p", {}, `Explains the findings through ${label(c.via)}.`) : null,
    c.broader.length ? el("p", {}, `A kind of ${c.broader.map(label).join(", ")}.`) : null,
    el("h3", {id: "panel-why", text: "Why: each observation it explains"}),
    c.explanations.length ? el("ul", {class: "explains"}, explains) : el("p", {text: "It explains no observation by a path (it was named in the case)."}),
    el("h3", {text: "What argues against it"}),
    against.length || excluded.length || unexplained.length
      ? el("ul", {class: "against"}, excluded, against, unexplained) : el("p", {text: "Nothing in the case argues against it."}),
    supports.length ? [el("h3", {text: "What argues for it"}), el("ul", {class: "against"}, supports)] : null,
    el("h3", {text: "What it is"}),
    el("p", {id: "panel-definition", class: "hint"}),
    el("h3", {text: "Treatments"}),
    treatments.some(Boolean) ? treatments : el("p", {text: "No treatment in the knowledge base."}),
    el("h3", {text: "The explanation diagram"}),
    el("div", {class: "diagram-tools"},
       el("button", {type: "button", id: "open-diagram", disabled: true, onclick: openFullDiagram}, "Open the diagram full size"),
       el("span", {class: "hint", text: "Its title and legend are in the full-size view."})),
    el("div", {id: "diagram", class: "svgbox", role: "group",
               "aria-label": "Explanation diagram; the text above says the same"},
       el("p", {class: "hint", text: "Drawing…"})),
    el("h3", {text: "References cited here"}),
    refList(panelRefs, refs) || el("p", {text: "None."}),
  );
  const shown = panel.hidden;
  panel.hidden = false;
  $("layout").classList.add("with-panel");
  if (focus) {
    panel.focus({preventScroll: true});
    panel.scrollTop = 0;
    // Beside the list (from 1,024 px) the panel stays in view; below it, bring its top to the top.
    if (!wide() || panel.getBoundingClientRect().top < 0 || panel.getBoundingClientRect().top > window.innerHeight * 0.5) {
      panel.scrollIntoView({block: "start"});
    }
  } else if (shown) {
    panel.scrollTop = 0;
  }
  bump("panels");
  loadDefinition(id);
  loadDiagram(id);
}

async function loadDefinition(id) {
  try {
    let node = nodeCache.get(id);
    if (!node) {
      node = (await api("/api/node/" + encodeURIComponent(id))).node;
      nodeCache.set(id, node);
    }
    const p = $("panel-definition");
    if (p && state.open === id) {
      p.textContent = [node.definition, node.codes.length ? `Codes: ${node.codes.join(", ")}.` : ""].filter(Boolean).join(" ")
        || "No definition in the knowledge base.";
    }
  } catch (err) { /* the definition is a nicety; the panel stands without it */ }
}

let diagramSeq = 0;
async function loadDiagram(id) {
  const seq = ++diagramSeq;
  try {
    const data = await api("/api/trace?" + caseQuery() + "&limit=10&diagram=" + encodeURIComponent(id));
    const box = $("diagram");
    if (seq !== diagramSeq || !box || state.open !== id) return;
    if (!data.svg) {
      diagramText = null;
      box.replaceChildren(el("p", {class: "hint", text: data.svg_error || "No diagram."}));
    } else {
      // SVG drawn by Graphviz on this server from the KB's labels (escaped by Graphviz).
      diagramText = data.svg;
      const svg = parseSvg(data.svg);
      svg.setAttribute("aria-label", `Diagram: the top candidates, ${label(id)} among them, and the paths to the observations`);
      box.replaceChildren(svg);
      fitDiagram(svg);
      $("open-diagram").disabled = false;
    }
    bump("diagrams");
  } catch (err) {
    const box = $("diagram");
    if (box && seq === diagramSeq) box.replaceChildren(el("p", {class: "hint", text: errorText(err)}));
  }
}

function parseSvg(text) {
  const doc = new DOMParser().parseFromString(text, "image/svg+xml");
  const svg = document.importNode(doc.documentElement, true);
  svg.setAttribute("role", "img");
  return svg;
}

function fitDiagram(svg) {
  // In the panel: the graph alone, scaled to the panel's width. Graphviz puts the title lines and
  // the legend above the graph; they are hidden here (the panel says the same in text) and the
  // picture is cropped to the graph, so it reads at the panel's size and on a phone.
  const graph = svg.querySelector("g.graph");
  if (!graph) return;
  const legend = [...graph.querySelectorAll("g.cluster")]
    .find((g) => (g.querySelector("title") || {}).textContent === "cluster_legend");
  const screen = svg.getScreenCTM();
  if (!screen) return;
  const toSvg = screen.inverse();
  const box = (e) => {
    const r = e.getBoundingClientRect();
    const a = new DOMPoint(r.left, r.top).matrixTransform(toSvg);
    const b = new DOMPoint(r.right, r.bottom).matrixTransform(toSvg);
    return {x1: a.x, y1: a.y, x2: b.x, y2: b.y};
  };
  const inside = (b, l) => b.x1 >= l.x1 - 1 && b.x2 <= l.x2 + 1 && b.y1 >= l.y1 - 1 && b.y2 <= l.y2 + 1;
  const legendBox = legend ? box(legend) : null;
  for (const t of graph.querySelectorAll(":scope > text")) t.style.display = "none";
  if (legend) legend.style.display = "none";
  let x1 = Infinity, y1 = Infinity, x2 = -Infinity, y2 = -Infinity;
  for (const e of graph.querySelectorAll(":scope > g.node, :scope > g.edge, :scope > g.cluster")) {
    if (e === legend) continue;
    const b = box(e);
    if (legendBox && inside(b, legendBox)) { e.style.display = "none"; continue; }
    if (!(b.x2 > b.x1)) continue;
    x1 = Math.min(x1, b.x1); y1 = Math.min(y1, b.y1); x2 = Math.max(x2, b.x2); y2 = Math.max(y2, b.y2);
  }
  if (x2 > x1 && y2 > y1) {
    const m = 6;
    svg.setAttribute("viewBox", `${x1 - m} ${y1 - m} ${x2 - x1 + 2 * m} ${y2 - y1 + 2 * m}`);
  }
  svg.removeAttribute("width");
  svg.removeAttribute("height");
  svg.setAttribute("preserveAspectRatio", "xMidYMin meet");
}

function openFullDiagram() {
  if (!diagramText) return;
  const svg = parseSvg(diagramText);
  svg.setAttribute("aria-label", "The whole explanation diagram, with its title and legend");
  $("full-diagram-box").replaceChildren(svg);
  $("full-diagram").showModal();
  $("full-diagram-box").focus();
  bump("fulls");
}

// ------------------------------------------------------------------ the search box (an ARIA combobox)

function closeSuggestions() {
  suggestions = [];
  suggestionsFor = null;
  active = -1;
  $("suggestions").hidden = true;
  $("suggestions").replaceChildren();
  $("search").setAttribute("aria-expanded", "false");
  $("search").removeAttribute("aria-activedescendant");
}

function searchSoon(text) {
  clearTimeout(searchTimer);
  if (!text.trim()) { searchSeq++; closeSuggestions(); return; }
  searchTimer = setTimeout(() => { runSearch(text); }, 30);
}

async function runSearch(text) {
  // Each search answers only the text typed last: an older answer is dropped, never aborted.
  clearTimeout(searchTimer);
  const seq = ++searchSeq;
  if (!text.trim()) { closeSuggestions(); return false; }
  let data;
  try {
    data = await api("/api/search?limit=8&q=" + encodeURIComponent(text));
  } catch (err) {
    if (seq === searchSeq) showError(errorText(err));
    return false;
  }
  if (seq !== searchSeq) return false;
  suggestions = [];
  for (const r of data.results || []) {
    if (r.kind === "activity") {
      const first = r.relation || "aggravated-by";
      for (const rel of [first, first === "aggravated-by" ? "relieved-by" : "aggravated-by"]) {
        suggestions.push(Object.assign({}, r, {relation: rel}));
      }
    } else {
      suggestions.push(Object.assign({}, r, {relation: null}));
    }
  }
  suggestionsFor = text;
  active = -1;  // nothing chosen: Down chooses the first, Enter adds the first
  renderSuggestions();
  return true;
}

function renderSuggestions() {
  const list = $("suggestions");
  list.replaceChildren(...suggestions.map((s, i) => el("li", {
    id: `opt-${i}`, role: "option", "aria-selected": String(i === active), "data-id": s.id,
    "data-relation": s.relation || "",
    onmousedown: (ev) => { ev.preventDefault(); pick(i); },
  }, findingName(s), " ",
     s.matched && s.matched.toLowerCase() !== s.label.toLowerCase() && s.matched !== s.id
       ? el("span", {class: "matched", text: `“${s.matched}” `}) : null,
     el("span", {class: "kind", text: `${s.kind}${s.red_flag ? ", red flag" : ""}`}))));
  if (!suggestions.length) list.append(el("li", {class: "none", role: "option", "aria-disabled": "true", "aria-selected": "false",
                                               text: "Nothing matches; try the start of another word or an abbreviation."}));
  list.hidden = false;
  $("search").setAttribute("aria-expanded", "true");
  if (active >= 0) {
    $("search").setAttribute("aria-activedescendant", `opt-${active}`);
    const opt = $(`opt-${active}`);
    if (opt && opt.scrollIntoView) opt.scrollIntoView({block: "nearest"});
  } else {
    $("search").removeAttribute("aria-activedescendant");
  }
  bump("suggestions");
}

function pick(i) {
  const s = suggestions[i];
  if (!s) return;
  addFinding({id: s.id, state: state.addAs, relation: s.relation, label: s.label, kind: s.kind, red_flag: s.red_flag}, true);
  $("search").value = "";
  searchSeq++;
  closeSuggestions();
  $("search").focus();
  update();
}

async function searchKeys(ev) {
  const box = $("search");
  const open = !$("suggestions").hidden;
  if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
    ev.preventDefault();
    if (!open || suggestionsFor !== box.value) { await runSearch(box.value); if (ev.key === "ArrowUp") return; }
    if (!suggestions.length) return;
    const step = ev.key === "ArrowDown" ? 1 : -1;
    active = active < 0 ? (step > 0 ? 0 : suggestions.length - 1) : (active + step + suggestions.length) % suggestions.length;
    renderSuggestions();
  } else if (ev.key === "Enter") {
    if (!box.value.trim()) return;
    ev.preventDefault();
    if (active >= 0 && open) { pick(active); return; }
    // Nothing chosen: the first suggestion for what is typed now (waiting for it if need be).
    if (suggestionsFor !== box.value && !(await runSearch(box.value))) return;
    if (suggestions.length) pick(0);
  } else if (ev.key === "Escape") {
    if (open) closeSuggestions(); else box.value = "";
    ev.preventDefault();
  } else if (ev.key === "Tab") {
    closeSuggestions();
  }
}

// ------------------------------------------------------------------ the note, files, settings

async function readNote() {
  const text = $("note").value;
  const out = $("reading");
  if (!text.trim()) { out.replaceChildren(el("p", {class: "hint", text: "Paste or type a note first."})); return; }
  let data;
  try {
    data = await api("/api/read", {method: "POST", headers: {"Content-Type": "application/json"},
                                    body: JSON.stringify({text})});
  } catch (err) {
    out.replaceChildren(el("p", {class: "error", text: errorText(err)}));
    bump("notes");
    return;
  }
  const kept = [];
  for (const f of data.findings) {
    const had = state.findings.find((x) => key(x) === key(f));
    if (had && STRENGTH[had.state] > STRENGTH[f.state]) { kept.push(findingName(had)); continue; }
    addFinding(f, false);
  }
  out.replaceChildren(...readingView(data));
  caseStatus(`Read ${data.findings.length} finding${data.findings.length === 1 ? "" : "s"} from the note into the case.` +
             (kept.length ? ` Kept as the case had them (present wins over absent): ${kept.join(", ")}.` : ""));
  await update();
  bump("notes");
}

function readingView(data) {
  // The note with what was read marked, as text nodes: spans of the reading, outermost first.
  const marks = [];
  const seen = new Set();
  for (const s of data.spans) {
    const k = s.start + ":" + s.end;
    if (seen.has(k)) continue;
    seen.add(k);
    let cls = s.polarity;
    if (s.time !== "current" || s.experiencer !== "patient") cls = "other";
    else if (s.red_flag && s.polarity !== "absent") cls = "flag";
    marks.push({start: s.start, end: s.end, cls, title: `${s.label}: ${s.polarity}`});
  }
  for (const u of data.unread) marks.push({start: u.start, end: u.end, cls: "unread", title: u.outside ? "outside this KB" : "not understood"});
  marks.sort((a, b) => a.start - b.start || b.end - a.end);
  const text = data.text;
  const pieces = [];
  let at = 0;
  for (const m of marks) {
    if (m.start < at) continue;
    pieces.push(text.slice(at, m.start));
    pieces.push(m.cls === "unread" ? el("span", {class: "unread", title: m.title, text: text.slice(m.start, m.end)})
                                   : el("mark", {class: m.cls, title: m.title, text: text.slice(m.start, m.end)}));
    at = m.end;
  }
  pieces.push(text.slice(at));
  const byState = (st) => data.findings.filter((f) => f.state === st).map(findingName);
  const lines = [["Present", byState("present")], ["Absent", byState("absent")], ["Suspected", byState("possible")]]
    .filter(([, xs]) => xs.length).map(([w, xs]) => el("li", {}, el("b", {text: w + ": "}), xs.join(", ")));
  const other = data.spans.filter((s) => s.time !== "current" || s.experiencer !== "patient")
    .map((s) => `${s.label} (${s.experiencer !== "patient" ? "a relative's" : s.time})`);
  if (other.length) lines.push(el("li", {}, el("b", {text: "Not the patient now: "}), [...new Set(other)].join(", ")));
  const outside = data.unread.filter((u) => u.outside).map((u) => u.text);
  const unread = data.unread.filter((u) => !u.outside).map((u) => u.text);
  if (outside.length) lines.push(el("li", {}, el("b", {text: "Understood, outside this knowledge base: "}), outside.join("; ")));
  if (unread.length) lines.push(el("li", {}, el("b", {text: "Not understood: "}), unread.join("; ")));
  return [el("p", {class: "marked"}, pieces), el("ul", {class: "plain"}, lines)];
}

async function loadFile(file) {
  let body;
  try {
    body = JSON.parse(await file.text());
  } catch (err) {
    caseStatus(`${file.name}: not a JSON case file (${err.message}).`);
    return;
  }
  try {
    const data = await api("/api/trace", {method: "POST", headers: {"Content-Type": "application/json"},
                                          body: JSON.stringify({setting: body.setting, findings: body.findings})});
    state.setting = data.case.setting;
    $("setting").value = state.setting;
    setFindings(data.case.findings);
    state.open = null;
    caseStatus(`Loaded ${file.name}: ${state.findings.length} findings.`);
    closePanel(false);
    await update();
  } catch (err) {
    caseStatus(`${file.name}: ${errorText(err)}`);
  }
}

async function loadSettings() {
  try {
    const data = await api("/api/settings");
    state.settings = data.settings;
    state.chart = data.chart || {};
    const select = $("setting");
    select.replaceChildren(...data.settings.map((s) => el("option", {value: s.id, text: s.label})));
    if (!data.settings.some((s) => s.id === state.setting)) state.setting = data.default;
    select.value = state.setting;
    settingNote();
  } catch (err) {
    showError(errorText(err));
  }
}

function settingNote() {
  const s = state.settings.find((x) => x.id === state.setting);
  $("setting-note").textContent = s ? s.description : "";
}

// ------------------------------------------------------------------ start

async function start() {
  const query = readUrl();
  // The settings and the link's case at once; the case's answer is rendered as it is.
  const linked = query.replace(/(^|&)setting=[^&]*/, "")
    ? api("/api/trace?" + query + "&limit=10").catch((err) => err) : Promise.resolve(null);
  await loadSettings();
  setupChart();
  const data = await linked;
  if (data instanceof Error) {
    showError(`The link's case could not be read: ${errorText(data)}`);
    state.open = null;
  } else if (data) {
    setFindings(data.case.findings);
    state.setting = data.case.setting;
    $("setting").value = state.setting;
    settingNote();
  }
  $("search").addEventListener("input", (ev) => searchSoon(ev.target.value));
  $("search").addEventListener("keydown", searchKeys);
  $("search").addEventListener("blur", () => setTimeout(() => { if (document.activeElement !== $("search")) closeSuggestions(); }, 150));
  $("setting").addEventListener("change", (ev) => { state.setting = ev.target.value; settingNote(); update(); });
  for (const r of document.querySelectorAll("input[name=addas]")) {
    r.addEventListener("change", (ev) => { state.addAs = ev.target.value; });
  }
  $("read-note").addEventListener("click", readNote);
  $("clear").addEventListener("click", () => {
    state.findings = []; state.open = null; closePanel(false); caseStatus("The case is cleared."); update();
  });
  $("copy-link").addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(location.href);
      caseStatus("Link copied: it opens this same case.");
    } catch (err) {
      caseStatus(`Copy this link to share the case: ${location.href}`);
    }
  });
  $("panel").addEventListener("keydown", (ev) => { if (ev.key === "Escape") closePanel(true); });
  $("full-diagram-close").addEventListener("click", () => $("full-diagram").close());
  $("full-diagram").addEventListener("close", () => {
    $("full-diagram-box").replaceChildren();
    const b = $("open-diagram");
    if (b) b.focus();
  });
  if (window.IntersectionObserver) {
    new IntersectionObserver((entries) => { resultsSeen = entries.some((e) => e.isIntersecting); placeBar(); })
      .observe($("results"));
  }
  $("load").addEventListener("change", (ev) => { if (ev.target.files[0]) loadFile(ev.target.files[0]); ev.target.value = ""; });
  if (data && !(data instanceof Error)) {
    last = data;
    writeUrl();
    renderChips();
    renderChart();
    renderResults(data);
  } else {
    await update();
  }
  document.documentElement.dataset.ready = "1";
  if (performance.mark) performance.mark("painkg-ready");
}

start();
