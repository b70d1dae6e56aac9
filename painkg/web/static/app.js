// painkg explorer: one page over the JSON API (docs/WEB.md). Vanilla JavaScript, no build step,
// nothing fetched but this server. Every text from the API is inserted as text (never as HTML),
// except the diagram, which is SVG drawn by Graphviz on this server.
"use strict";

const STATES = ["present", "absent", "possible", "unknown"];
const STATE_WORDS = {present: "present", absent: "absent", possible: "suspected", unknown: "not known"};
const EFFECT_WORDS = {"aggravated-by": "worse with", "relieved-by": "eased by"};
const REGION_WORDS = {
  "hip": "hip", "lumbar-spine": "lumbar spine", "sacroiliac-pelvis": "sacroiliac joint & pelvis", "nerve": "nerve",
  "thigh-leg": "thigh & leg", "abdomen-pelvic-organs": "abdominal & pelvic organs", "vascular": "blood vessels",
  "systemic": "systemic (rheumatological, cancer)", "other": "other",
};
const GRADE_WORDS = {"recommended": "recommended", "conditional": "consider", "not-recommended": "advised against"};

const state = {setting: "primary-care", findings: [], open: null, addAs: "present", settings: []};
let last = null;          // the last /api/trace answer
let traceSeq = 0;         // answers to older requests are dropped
let searchAbort = null;
let suggestions = [];
let active = -1;
let downloadUrl = null;
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
  if (x >= 0.1) return (x * 100).toFixed(0) + " %";
  if (x >= 0.001) return (x * 100).toFixed(1) + " %";
  return "< 0.1 %";
}

function key(f) { return f.id + (f.relation ? "." + f.relation : ""); }

function findingName(f) {
  const label = f.label || f.id;
  return f.relation ? `${EFFECT_WORDS[f.relation]} ${label}` : label;
}

function label(id) { return (last && last.labels && last.labels[id]) || id; }

async function api(path, options) {
  const response = await fetch(path, options);
  let data = null;
  try { data = await response.json(); } catch (e) { data = {error: `${path}: the server answered ${response.status}`}; }
  if (!response.ok) {
    const err = new Error(data.error || `error ${response.status}`);
    err.data = data;
    err.status = response.status;
    throw err;
  }
  return data;
}

function errorText(err) {
  if (err.name === "AbortError") return "";
  if (err.data && err.data.suggestions && err.data.suggestions.length) {
    return `${err.message}`;
  }
  return err.message || String(err);
}

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
  const api = new URLSearchParams();
  for (const [k, v] of params) {
    if (k === "open") state.open = v;
    else if (k === "setting") state.setting = v;
    if (k !== "open") api.append(k, v);
  }
  return api.toString();
}

function addFinding(f, announce) {
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
  const had = focusKey || (document.activeElement && document.activeElement.dataset.key &&
                           list.contains(document.activeElement) ? document.activeElement.dataset.key : null);
  const hadRemove = document.activeElement && document.activeElement.classList.contains("remove");
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
  state.findings.splice(at, 1);
  caseStatus(`${findingName(f)} removed.`);
  const next = state.findings[Math.min(at, state.findings.length - 1)];
  if (!next) $("search").focus();
  update({focusKey: next ? key(next) : null});
}

// ------------------------------------------------------------------ rendering the results

function regionStyle(region) { return `--region: var(--${region in REGION_WORDS ? region : "other"})`; }

function renderResults(data) {
  const flags = data ? data.red_flags : [];
  $("flag-list").replaceChildren(...flags.map((f) => el("li", {text: f.message.replace(/^red flag: /, "")})));
  $("flags").hidden = !flags.length;

  const cands = data ? data.candidates : [];
  const list = $("candidates");
  const focused = document.activeElement && list.contains(document.activeElement)
    ? document.activeElement.dataset.id : null;
  list.replaceChildren(...cands.map((c, i) => candidateItem(c, i + 1)));
  if (focused) {
    const again = list.querySelector(`[data-id="${CSS.escape(focused)}"]`);
    if (again) again.focus();
  }
  if (!data) {
    $("summary").textContent = "Add a finding to rank the sources.";
  } else if (!cands.length) {
    $("summary").textContent = data.message ? capital(data.message) + "." : "No candidate explains these findings.";
  } else {
    const top = cands[0];
    const flagged = flags.length ? ` Red flag${flags.length > 1 ? "s" : ""}: see the banner above.` : "";
    $("summary").textContent = `${top.label} ranks first at ${pct(top.score)}.${flagged}`;
  }
  $("other").textContent = data && data.other_score !== null && cands.length
    ? `Something else, not in the knowledge base: ${pct(data.other_score)}.` : "";
  const unexplained = data ? data.unexplained || [] : [];
  $("unexplained").hidden = !unexplained.length;
  $("unexplained").textContent = unexplained.length
    ? "Explained by no candidate: " + unexplained.map(label).join(", ") + "." : "";

  const pairs = data ? data.combinations : [];
  $("pairs").replaceChildren(...pairs.map((x) => el("li", {class: "pair"},
    el("span", {}, el("b", {text: x.members.map(label).join(" + ")}), x.name ? `: ${x.name}` : "", ` — ${pct(x.score)}`),
    el("span", {class: "bar", "aria-hidden": "true"}, barFill(x.score, "hip")))));
  $("pairs-box").hidden = !pairs.length;

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

function capital(s) { return s.charAt(0).toUpperCase() + s.slice(1); }

function barFill(score, region) {
  const fill = el("span", {class: "fill"});
  fill.style.width = Math.max(0, Math.min(100, score * 100)).toFixed(1) + "%";
  fill.style.setProperty("--region", `var(--${region})`);
  return fill;
}

function candidateItem(c, rank) {
  const region = c.region in REGION_WORDS ? c.region : "other";
  const button = el("button", {
    type: "button", class: "cand", "data-id": c.id, "aria-expanded": String(state.open === c.id),
    "aria-controls": "panel",
    onclick: () => (state.open === c.id ? closePanel(true) : openPanel(c.id)),
  },
  el("span", {class: "rank", text: rank + "."}),
  el("span", {class: "name"},
     el("b", {text: c.label}),
     c.via ? ` (via ${label(c.via)})` : "",
     c.red_flag ? el("span", {class: "badge flag", text: "red flag"}) : null,
     el("br"),
     el("span", {class: "region", text: REGION_WORDS[region]})),
  el("span", {class: "pct", text: pct(c.score)}),
  el("span", {class: "bar", "aria-hidden": "true"}, barFill(c.score, region)));
  button.style.setProperty("--region", `var(--${region})`);
  return el("li", {}, button);
}

function questionText(q) {
  const name = q.label;
  if (q.kind === "symptom") return `Does the patient have ${name}?`;
  if (q.kind === "condition") return `Is ${name} known or suspected?`;
  if (/\b(test|sign|manoeuvre|maneuver)$/i.test(name) || q.kind === "test") return `Is the ${name} positive?`;
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

// ------------------------------------------------------------------ the candidate panel

function openPanel(id) {
  state.open = id;
  writeUrl();
  renderPanel(id, true);
  for (const b of document.querySelectorAll(".cand")) b.setAttribute("aria-expanded", String(b.dataset.id === id));
}

function closePanel(returnFocus) {
  const id = state.open;
  state.open = null;
  $("panel").hidden = true;
  $("panel").replaceChildren();
  writeUrl();
  for (const b of document.querySelectorAll(".cand")) b.setAttribute("aria-expanded", "false");
  if (returnFocus && id) {
    const b = document.querySelector(`.cand[data-id="${CSS.escape(id)}"]`);
    if (b) b.focus();
  }
}

function refList(keys, refs) {
  const items = [...new Set(keys)].map((k) => {
    const r = refs[k];
    if (!r) return el("li", {}, el("span", {class: "refkey", text: k}));
    const ids = [r.pmid ? `PMID ${r.pmid}` : "", r.doi ? `DOI ${r.doi}` : ""].filter(Boolean).join(" · ");
    return el("li", {}, el("span", {class: "refkey", text: k}), `: ${r.citation}`, ids ? ` (${ids})` : "");
  });
  return items.length ? el("ul", {class: "refs"}, items) : null;
}

function renderPanel(id, focus) {
  const c = last && last.candidates.find((x) => x.id === id);
  const panel = $("panel");
  if (!c) { closePanel(false); return; }
  const refs = last.references || {};
  const rank = last.candidates.indexOf(c) + 1;
  const region = c.region in REGION_WORDS ? c.region : "other";
  const prior = c.prior_published ? "a published prevalence in this setting" : "a stated default (no prevalence published)";

  const explains = c.explanations.map((e) => el("li", {"data-observation": e.observation},
    el("h4", {text: `${label(e.observation)} — likelihood ${pct(e.likelihood)}`}),
    e.paths.map((p) => [
      el("p", {class: "path", text: p.text}),
      refList(p.steps.flatMap((s) => s.references), refs),
    ])));

  const against = c.contributions.filter((x) => x.likelihood_ratio !== null && x.likelihood_ratio < 1)
    .map((x) => el("li", {}, `${x.present ? "" : "no "}${label(x.observation)}: `,
                   el("b", {text: `× ${x.likelihood_ratio.toFixed(2)}`}), " on the odds"));
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

  fill(panel,
    el("button", {type: "button", class: "close", onclick: () => closePanel(true)}, "Close"),
    el("h2", {id: "panel-title", text: `${rank}. ${c.label}`}),
    el("p", {class: "facts"}, `${pct(c.score)} · region: ${REGION_WORDS[region]} · prior ${c.prior.toPrecision(2)}, ${prior}`,
       c.red_flag ? el("span", {class: "badge flag", text: "red flag"}) : null),
    c.via ? el("p", {}, `Explains the findings through ${label(c.via)}.`) : null,
    c.broader.length ? el("p", {}, `A kind of ${c.broader.map(label).join(", ")}.`) : null,
    el("p", {id: "panel-definition", class: "hint"}),
    el("h3", {text: "Why: each observation it explains"}),
    c.explanations.length ? el("ul", {class: "explains"}, explains) : el("p", {text: "It explains no observation by a path (it was named in the case)."}),
    el("h3", {text: "What argues against it"}),
    against.length || unexplained.length
      ? el("ul", {class: "against"}, against, unexplained) : el("p", {text: "Nothing in the case argues against it."}),
    supports.length ? [el("h3", {text: "What argues for it"}), el("ul", {class: "against"}, supports)] : null,
    el("h3", {text: "Treatments"}),
    treatments.some(Boolean) ? treatments : el("p", {text: "No treatment in the knowledge base."}),
    el("h3", {text: "The explanation diagram"}),
    el("div", {id: "diagram", class: "svgbox", tabindex: "0", role: "group",
               "aria-label": "Explanation diagram (scrolls); the text above says the same"},
       el("p", {class: "hint", text: "Drawing…"})),
    el("h3", {text: "References cited here"}),
    refList(panelRefs, refs) || el("p", {text: "None."}),
  );
  panel.hidden = false;
  if (focus) panel.focus();
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
      p.textContent = [node.definition, node.codes.length ? `Codes: ${node.codes.join(", ")}.` : ""].filter(Boolean).join(" ");
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
      box.replaceChildren(el("p", {class: "hint", text: data.svg_error || "No diagram."}));
    } else {
      // SVG drawn by Graphviz on this server from the KB's labels (escaped by Graphviz).
      const doc = new DOMParser().parseFromString(data.svg, "image/svg+xml");
      const svg = doc.documentElement;
      svg.setAttribute("role", "img");
      svg.setAttribute("aria-label", `Diagram: the top candidates, ${label(id)} among them, and the paths to the observations`);
      box.replaceChildren(document.importNode(svg, true));
    }
    bump("diagrams");
  } catch (err) {
    const box = $("diagram");
    if (box) box.replaceChildren(el("p", {class: "hint", text: errorText(err)}));
  }
}

// ------------------------------------------------------------------ the search box (an ARIA combobox)

function closeSuggestions() {
  suggestions = [];
  active = -1;
  $("suggestions").hidden = true;
  $("suggestions").replaceChildren();
  $("search").setAttribute("aria-expanded", "false");
  $("search").removeAttribute("aria-activedescendant");
}

async function search(text) {
  if (searchAbort) searchAbort.abort();
  if (!text.trim()) { closeSuggestions(); return; }
  searchAbort = new AbortController();
  let data;
  try {
    data = await api("/api/search?limit=8&q=" + encodeURIComponent(text), {signal: searchAbort.signal});
  } catch (err) {
    if (err.name !== "AbortError") showError(errorText(err));
    return;
  }
  suggestions = [];
  for (const r of data.results) {
    if (r.kind === "activity") {
      for (const rel of ["aggravated-by", "relieved-by"]) suggestions.push(Object.assign({}, r, {relation: rel}));
    } else {
      suggestions.push(Object.assign({}, r, {relation: null}));
    }
  }
  active = suggestions.length ? 0 : -1;
  renderSuggestions();
}

function renderSuggestions() {
  const list = $("suggestions");
  list.replaceChildren(...suggestions.map((s, i) => el("li", {
    id: `opt-${i}`, role: "option", "aria-selected": String(i === active), "data-id": s.id,
    onmousedown: (ev) => { ev.preventDefault(); pick(i); },
  }, findingName(s), " ",
     s.matched && s.matched.toLowerCase() !== s.label.toLowerCase() && s.matched !== s.id
       ? el("span", {class: "matched", text: `“${s.matched}” `}) : null,
     el("span", {class: "kind", text: `${s.kind}${s.red_flag ? ", red flag" : ""}`}))));
  if (!suggestions.length) list.append(el("li", {class: "none", role: "option", "aria-disabled": "true", "aria-selected": "false",
                                               text: "Nothing matches; try another word or an abbreviation."}));
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
  closeSuggestions();
  $("search").focus();
  update();
}

function searchKeys(ev) {
  const open = !$("suggestions").hidden;
  if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
    if (!open) { search($("search").value); ev.preventDefault(); return; }
    if (!suggestions.length) return;
    const step = ev.key === "ArrowDown" ? 1 : -1;
    active = (active + step + suggestions.length) % suggestions.length;
    renderSuggestions();
    ev.preventDefault();
  } else if (ev.key === "Enter") {
    if (open && active >= 0) { pick(active); ev.preventDefault(); }
  } else if (ev.key === "Escape") {
    if (open) closeSuggestions(); else $("search").value = "";
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
    return;
  }
  for (const f of data.findings) addFinding(f, false);
  out.replaceChildren(...readingView(data));
  caseStatus(`Read ${data.findings.length} finding${data.findings.length === 1 ? "" : "s"} from the note into the case.`);
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
  $("search").addEventListener("input", (ev) => search(ev.target.value));
  $("search").addEventListener("keydown", searchKeys);
  $("search").addEventListener("blur", () => setTimeout(closeSuggestions, 150));
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
  $("load").addEventListener("change", (ev) => { if (ev.target.files[0]) loadFile(ev.target.files[0]); ev.target.value = ""; });
  if (data && !(data instanceof Error)) {
    last = data;
    writeUrl();
    renderChips();
    renderResults(data);
  } else {
    await update();
  }
  document.documentElement.dataset.ready = "1";
  if (performance.mark) performance.mark("painkg-ready");
}

start();
