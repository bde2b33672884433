// The clerk's page: a form built from the document's JSON Schema, a live page
// preview, drafts kept in the browser, mail merge over a spreadsheet, and the
// register. Everything the clerk types is data: it reaches the page only as
// text nodes and input values (never as markup) and the server only as JSON.
'use strict';

const DRAFT_KEY = 'saraban.draft.v1';
const KEY_KEY = 'saraban.api-key';
const PREVIEW_DELAY_MS = 600;

// What the form shows at the top (in the order a letter prints them); every
// other property of the schema follows in the schema's order, so a field added
// to the model appears without work here.
const TOP_ORDER = ['reference', 'date', 'department', 'title', 'subject', 'to', 'salutation',
  'refer_to', 'enclosures', 'body', 'closing', 'signatory', 'second_signatory', 'signatures',
  'contact', 'copies_to', 'urgency', 'deadline', 'secrecy', 'distribution'];
// Shown even when empty: what nearly every letter has.
const ALWAYS_SHOWN = new Set(['reference', 'date', 'subject', 'to', 'refer_to', 'enclosures', 'body',
  'signatory', 'contact']);
// Inside a part, what a clerk fills first comes first; the rest follow in the
// schema's order.
const FIRST_IN_PART = ['text', 'name', 'title', 'heading', 'label', 'number', 'code', 'positions',
  'position', 'headers', 'rows', 'items'];
// Set by the toolbar, not the form.
const TOOLBAR_FIELDS = new Set(['kind', 'agency']);
// Strings shown as one line; every other text gets a growing text box.
const ONE_LINE = /(^|_)(name|date|code|id|number|year|deadline|phone|telephone|email|fax|label|initials|start|end|place|file_name|unit|website|line)$/;

const THAI_DIGITS = '๐๑๒๓๔๕๖๗๘๙';
const thaiNum = (n) => String(n).replace(/[0-9]/g, (d) => THAI_DIGITS[+d]);

const S = {
  schema: null, defs: {}, kinds: [], agencies: [], examples: [],
  doc: null,
  page: 1, pages: 1,
  recipients: null, // {columns, rows, file}
  letter: 1,
  seq: 0, timer: 0, imageUrl: null,
  lastText: null, // the text control a placeholder goes into
  issued: {}, // document JSON -> idempotency key, so a retry never takes a second number
  openMore: new Set(), // the "more" boxes the clerk opened
};

// ---------------------------------------------------------------- DOM helpers

const $ = (id) => document.getElementById(id);

/** An element with attributes and children; strings become text nodes. */
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else if (k in node && typeof v !== 'string') node[k] = v;
    else node.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    node.append(typeof c === 'string' ? document.createTextNode(c) : c);
  }
  return node;
}

let idCounter = 0;
const freshId = () => `f${++idCounter}`;

function setStatus(text, isError) {
  const s = $('status');
  s.textContent = text || '';
  s.classList.toggle('error', !!isError);
}

// ---------------------------------------------------------------- HTTP

function headers(extra) {
  const h = { 'Accept-Language': 'th', ...(extra || {}) };
  const key = apiKey();
  if (key) h.Authorization = `Bearer ${key}`;
  return h;
}

async function getJSON(path) {
  const res = await fetch(path, { headers: headers() });
  if (!res.ok) throw new Error(await problemText(res));
  return res.json();
}

/** The problem document of a failed response, or null. */
async function problemOf(res) {
  try {
    const body = await res.clone().json();
    return body && typeof body === 'object' ? body : null;
  } catch (_) {
    return null;
  }
}

async function problemText(res) {
  const p = await problemOf(res);
  if (!p) return `HTTP ${res.status}`;
  const first = (p.problems || [])[0];
  const label = first ? `${first.label || first.field || ''}${first.field ? ': ' : ''}${first.message}` : '';
  return p.detail || label || p.title || `HTTP ${res.status}`;
}

function postJSON(path, value, extra) {
  return fetch(path, {
    method: 'POST',
    headers: headers({ 'Content-Type': 'application/json', ...(extra || {}) }),
    body: JSON.stringify(value),
  });
}

function saveBlob(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = el('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 30000);
}

/** A reference header in Thai: the RFC 8187 form, as fetch mangles UTF-8. */
function referenceOf(res) {
  const enc = res.headers.get('X-Reference-Encoded');
  if (enc && enc.startsWith("UTF-8''")) {
    try { return decodeURIComponent(enc.slice(7)); } catch (_) { /* fall through */ }
  }
  return res.headers.get('X-Reference');
}

function randomKey() {
  const a = new Uint8Array(16);
  crypto.getRandomValues(a);
  return Array.from(a, (b) => b.toString(16).padStart(2, '0')).join('');
}

function apiKey() {
  return ($('api-key') && $('api-key').value.trim()) || '';
}

// ---------------------------------------------------------------- schema

function resolve(s) {
  let seen = 0;
  while (s && s.$ref && seen++ < 20) {
    const name = decodeURIComponent(s.$ref.replace(/^#\/(\$defs|definitions)\//, ''));
    s = { ...S.defs[name], ...withoutRef(s) };
  }
  return s || {};
}

function withoutRef(s) {
  const { $ref, ...rest } = s;
  return rest;
}

/** The variants of a schema, without `null`; a variant that is itself a
 * choice (an untagged enum holding a tagged one) gives its own variants, so the
 * clerk picks once. */
function variants(s) {
  const list = s.anyOf || s.oneOf;
  if (!list) return null;
  const out = [];
  for (const v of list) {
    const r = resolve(v);
    if (r.type === 'null') continue;
    const inner = (r.anyOf || r.oneOf) && r.const === undefined ? variants(r) : null;
    if (inner && !inner.every((x) => resolve(x).const !== undefined)) out.push(...inner);
    else out.push(v);
  }
  return out;
}

function typeOf(s) {
  const t = s.type;
  if (Array.isArray(t)) return t.find((x) => x !== 'null') || 'string';
  if (t) return t;
  if (s.properties) return 'object';
  if (s.items) return 'array';
  if (s.enum) return typeof s.enum[0] === 'number' ? 'integer' : 'string';
  if (s.const !== undefined) return 'const';
  return 'string';
}

/** Enum choices: [{value, label}] or null. */
function choices(s) {
  if (s.enum) {
    const labels = s['x-enum-labels-th'] || s['x-enum-labels'] || {};
    return s.enum.filter((v) => v !== null).map((v, i) => ({
      value: v,
      label: (Array.isArray(labels) ? labels[i] : labels[v]) || String(v),
    }));
  }
  const list = variants(s);
  if (list && list.length && list.every((v) => resolve(v).const !== undefined)) {
    return list.map((v) => {
      const r = resolve(v);
      return { value: r.const, label: r.title || String(r.const) };
    });
  }
  return null;
}

function labelOf(s, key) {
  return s.title || (key !== undefined ? String(key) : '');
}

/** Help in Thai: the schema's Thai description; an English one is for developers. */
function helpOf(s) {
  if (s['x-description-th']) return s['x-description-th'];
  const d = s.description || '';
  const thai = (d.match(/[\u0e00-\u0e7f]/g) || []).length;
  return thai > d.length / 3 ? d : '';
}

/** The value a new, empty field of schema `s` starts with. */
function blank(s, depth) {
  s = resolve(s);
  depth = depth || 0;
  if (depth > 6) return undefined;
  const tooShort = Array.isArray(s.default) && s.default.length < (s.minItems || 0);
  if (s.default !== undefined && s.default !== null && !tooShort) return structuredClone(s.default);
  const ch = choices(s);
  if (ch) return ch[0].value;
  const vs = variants(s);
  if (vs && vs.length) return blank(vs[0], depth + 1);
  switch (typeOf(s)) {
    case 'object': {
      const o = {};
      for (const k of s.required || []) {
        const v = blank((s.properties || {})[k] || {}, depth + 1);
        if (v !== undefined) o[k] = v;
      }
      return o;
    }
    case 'array': return s.minItems ? [blank(s.items || {}, depth + 1)] : [];
    case 'integer': case 'number': return s.minimum !== undefined ? s.minimum : 1;
    case 'boolean': return false;
    case 'const': return s.const;
    default: return '';
  }
}

/** Whether `value` has the shape of variant `s`. */
function fits(s, value) {
  s = resolve(s);
  if (s.const !== undefined) return s.const === value;
  const vs = variants(s);
  if (vs) return vs.some((v) => fits(v, value));
  const t = typeOf(s);
  if (value === null || value === undefined) return false;
  if (Array.isArray(value)) return t === 'array';
  if (typeof value === 'object') {
    if (t !== 'object') return false;
    const props = s.properties || {};
    for (const [k, p] of Object.entries(props)) {
      const r = resolve(p);
      if (r.const !== undefined && value[k] !== r.const) return false;
      if (r.enum && r.enum.length === 1 && value[k] !== r.enum[0]) return false;
    }
    if (s.additionalProperties === false && Object.keys(value).some((k) => !(k in props))) return false;
    return (s.required || []).every((k) => k in value);
  }
  if (typeof value === 'string') return t === 'string';
  if (typeof value === 'number') return t === 'number' || t === 'integer';
  if (typeof value === 'boolean') return t === 'boolean';
  return false;
}

// Thai names of the body's block types, for a schema that gives none (a new
// type shows its own name until it has one).
const TAG_LABELS = {
  paragraph: 'ย่อหน้า', heading: 'หัวข้อ', list: 'รายการเป็นข้อ', table: 'ตาราง',
  activities: 'ตารางโครงการ/กิจกรรม', chapter: 'หมวด', leaders: 'รายการมีจุดนำสายตา',
  members: 'รายชื่อคณะบุคคล', clause: 'ข้อ', signature: 'ลายมือชื่อ', image: 'ภาพ',
};

function variantLabel(v, i) {
  const r = resolve(v);
  if (r.title) return r.title;
  const tag = Object.values(r.properties || {}).map(resolve).find((p) => p.const !== undefined);
  if (tag) return TAG_LABELS[tag.const] || String(tag.const);
  const t = typeOf(r);
  const names = { string: 'ข้อความ', array: 'ข้อความหลายช่วง (ตัวหนา/ขีดเส้นใต้)', object: 'แบบละเอียด', integer: 'ตัวเลข', number: 'ตัวเลข', boolean: 'ใช่/ไม่ใช่' };
  return names[t] || `แบบที่ ${thaiNum(i + 1)}`;
}

/** Fields required of the document for the current kind. */
function requiredFor(kind) {
  const req = new Set(S.schema.required || []);
  for (const rule of S.schema.allOf || []) {
    const k = rule.if && rule.if.properties && rule.if.properties.kind;
    const kinds = k && (k.enum || (k.const !== undefined ? [k.const] : []));
    if (kinds && kinds.includes(kind)) for (const f of (rule.then && rule.then.required) || []) req.add(f);
  }
  return req;
}

// ---------------------------------------------------------------- the document

const pathText = (path) => path.reduce((acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), '');

function getAt(path) {
  let v = S.doc;
  for (const p of path) { if (v == null) return undefined; v = v[p]; }
  return v;
}

function setAt(path, value) {
  if (!path.length) { S.doc = value; return; }
  let v = S.doc;
  for (let i = 0; i < path.length - 1; i++) {
    if (v[path[i]] == null || typeof v[path[i]] !== 'object') v[path[i]] = typeof path[i + 1] === 'number' ? [] : {};
    v = v[path[i]];
  }
  const last = path[path.length - 1];
  if (value === undefined) {
    if (Array.isArray(v)) v.splice(last, 1); else delete v[last];
  } else v[last] = value;
}

function blankDocument(kind) {
  const doc = { kind, agency: S.agencies.length ? S.agencies[0].id : '' };
  for (const k of requiredFor(kind)) {
    if (TOOLBAR_FIELDS.has(k)) continue;
    const v = blank(S.schema.properties[k] || {});
    if (v !== undefined) doc[k] = v;
  }
  return doc;
}

function changed(opts) {
  saveDraft();
  if (opts && opts.rerender) renderForm(opts.focus);
  schedule();
}

function saveDraft() {
  try {
    localStorage.setItem(DRAFT_KEY, JSON.stringify({ doc: S.doc, recipients: S.recipients, letter: S.letter }));
  } catch (_) {
    try { localStorage.setItem(DRAFT_KEY, JSON.stringify({ doc: S.doc })); } catch (_e) { /* full */ }
  }
}

function loadDraft() {
  try {
    const d = JSON.parse(localStorage.getItem(DRAFT_KEY) || 'null');
    if (d && d.doc && typeof d.doc === 'object') return d;
  } catch (_) { /* a broken draft is no draft */ }
  return null;
}

/** Opens a document or a batch request (`document` with `recipients`). */
function openValue(value, source) {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error('ไฟล์นี้ไม่ใช่หนังสือในรูปแบบ JSON');
  if (value.document && typeof value.document === 'object') {
    S.doc = value.document;
    const rows = Array.isArray(value.recipients) ? value.recipients : null;
    setRecipients(rows ? { rows, columns: columnsOf(rows), file: source } : null);
    if (value.file_name) $('file-name').value = value.file_name;
    if (value.numbering) $('numbering').value = value.numbering;
  } else {
    S.doc = value;
    setRecipients(null);
  }
  S.page = 1;
  syncToolbar();
  renderForm();
  changed();
}

function columnsOf(rows) {
  const cols = [];
  for (const r of rows) for (const k of Object.keys(r)) if (!cols.includes(k)) cols.push(k);
  return cols;
}

// ---------------------------------------------------------------- the form

function renderForm(focusPath) {
  const form = $('letter-form');
  const active = document.activeElement;
  const keep = focusPath || (active && active.dataset && active.dataset.path);
  form.replaceChildren();
  const kind = S.doc.kind;
  const required = requiredFor(kind);
  const props = S.schema.properties || {};
  const keys = Object.keys(props).filter((k) => !TOOLBAR_FIELDS.has(k));
  keys.sort((a, b) => order(a) - order(b));
  // An agency written into the letter (not a stored profile) is edited here.
  if (S.doc.agency && typeof S.doc.agency === 'object') keys.unshift('agency');
  const more = [];
  for (const key of keys) {
    const s = resolve(props[key]);
    const kinds = s['x-kinds'] || props[key]['x-kinds'];
    if (kinds && !kinds.includes(kind) && getAt([key]) === undefined) continue;
    const node = field(props[key], [key], { label: labelOf(s, key), required: required.has(key) });
    if (required.has(key) || ALWAYS_SHOWN.has(key) || !isEmpty(getAt([key]))) form.append(node);
    else more.push(node);
  }
  if (more.length) form.append(moreBox(more, []));
  if (keep) {
    const again = form.querySelector(`[data-path="${CSS.escape(keep)}"]`);
    if (again) again.focus();
  }
  showProblems(S.problems || []);
}

function order(key) {
  const i = TOP_ORDER.indexOf(key);
  return i < 0 ? TOP_ORDER.length : i;
}

/** The control (and its wrapper) for the value at `path` of schema `raw`. */
function field(raw, path, opts) {
  const s = resolve(raw);
  const value = getAt(path);
  const label = opts.label || labelOf(s, path[path.length - 1]);
  const vs = variants(s);
  const ch = choices(s);
  if (ch) return choiceField(s, path, label, opts, ch);
  if (vs && vs.length > 1) return variantField(s, vs, path, label, opts);
  if (vs && vs.length === 1) return field({ ...resolve(vs[0]), title: s.title || resolve(vs[0]).title, description: s.description }, path, opts);
  const t = typeOf(s);
  if (t === 'object') return objectField(s, path, label, opts);
  if (t === 'array') return arrayField(s, path, label, opts);
  if (t === 'boolean') return booleanField(s, path, label, opts);
  if (t === 'const') return el('span');
  return textField(s, path, label, opts, t, value);
}

function wrapper(path, label, opts, control, s) {
  const id = control.id || (control.id = freshId());
  const help = s && helpOf(s);
  const helpId = help ? freshId() : null;
  if (helpId) control.setAttribute('aria-describedby', helpId);
  // A list item's header names it already.
  const labelClass = opts.inList ? 'visually-hidden' : opts.required ? 'required' : null;
  return el('div', { class: 'field', 'data-field': pathText(path) },
    el('label', { for: id, class: labelClass }, label),
    help ? el('span', { class: 'help', id: helpId }, help) : null,
    control);
}

function textField(s, path, label, opts, t, value) {
  const key = String(path.filter((p) => typeof p === 'string').pop() || '');
  const numeric = t === 'integer' || t === 'number';
  const common = { 'data-path': pathText(path), 'aria-required': opts.required ? 'true' : null };
  let control;
  if (numeric) {
    control = el('input', { ...common, type: 'number', inputmode: 'numeric', value: value ?? '' });
    if (s.minimum !== undefined) control.min = s.minimum;
    if (s.maximum !== undefined) control.max = s.maximum;
  } else if (ONE_LINE.test(key) || (s.maxLength && s.maxLength < 80)) {
    control = el('input', { ...common, type: 'text', value: value ?? '' });
  } else {
    control = el('textarea', { ...common, rows: rowsFor(value) });
    control.value = value ?? '';
  }
  control.addEventListener('input', () => {
    let v = control.value;
    if (numeric) v = v === '' ? undefined : Number(v);
    else if (v === '' && !opts.required && !opts.inList) v = undefined;
    setAt(path, v);
    if (control.tagName === 'TEXTAREA') control.rows = rowsFor(control.value);
    changed();
  });
  control.addEventListener('focus', () => { if (!numeric) S.lastText = control; });
  return wrapper(path, label, opts, control, s);
}

function rowsFor(text) {
  const t = String(text ?? '');
  return Math.min(12, Math.max(1, t.split('\n').length + Math.floor(t.length / 70)));
}

function booleanField(s, path, label, opts) {
  const control = el('input', { type: 'checkbox', 'data-path': pathText(path), id: freshId() });
  control.checked = !!getAt(path);
  control.addEventListener('change', () => { setAt(path, control.checked); changed(); });
  const help = helpOf(s);
  return el('div', { class: 'field', 'data-field': pathText(path) },
    el('label', { class: 'checkbox', for: control.id }, control, label),
    help ? el('span', { class: 'help' }, help) : null);
}

function choiceField(s, path, label, opts, ch) {
  const control = el('select', { 'data-path': pathText(path) });
  const value = getAt(path);
  if (!opts.required) control.append(el('option', { value: '' }, '— ไม่ระบุ —'));
  ch.forEach((c, i) => control.append(el('option', { value: String(i), selected: c.value === value }, c.label)));
  if (!opts.required && value === undefined) control.value = '';
  control.addEventListener('change', () => {
    setAt(path, control.value === '' ? undefined : ch[Number(control.value)].value);
    changed();
  });
  return wrapper(path, label, opts, control, s);
}

function variantField(s, vs, path, label, opts) {
  const value = getAt(path);
  let index = vs.findIndex((v) => fits(v, value));
  const present = value !== undefined;
  if (!present && !opts.required) return addButton(s, path, label, opts);
  if (index < 0) index = 0;
  const select = el('select', { class: 'variant', id: freshId(), 'aria-label': `รูปแบบของ${label}` });
  vs.forEach((v, i) => select.append(el('option', { value: String(i), selected: i === index }, variantLabel(v, i))));
  select.addEventListener('change', () => {
    const next = vs[Number(select.value)];
    setAt(path, carryOver(getAt(path), next));
    changed({ rerender: true, focus: pathText(path) });
  });
  const inner = resolve(vs[index]);
  const innerField = field({ ...inner, title: label }, path, { ...opts, label, variantOf: true });
  const head = el('div', { class: 'item-head' },
    opts.inList ? null : el('span', { class: `variant-name${opts.required ? ' required' : ''}` }, label),
    el('label', { for: select.id }, 'รูปแบบ'), select, el('span', { class: 'spacer' }),
    !opts.required && !opts.inList ? removeButton(path, label) : null);
  return el('div', { class: 'field', 'data-field': pathText(path) }, head, innerField);
}

/** The value of `next` a switch of variant starts from, keeping the text. */
function carryOver(old, next) {
  const fresh = blank(next);
  const text = typeof old === 'string' ? old : old && typeof old.text === 'string' ? old.text : null;
  if (text === null) return fresh;
  if (typeof fresh === 'string') return text;
  if (fresh && typeof fresh === 'object' && !Array.isArray(fresh)) {
    const props = resolve(next).properties || {};
    if ('text' in props) return { ...fresh, text };
  }
  if (Array.isArray(fresh) && fresh.length && typeof fresh[0] === 'string') return [text];
  return fresh;
}

function addButton(s, path, label, opts) {
  const help = helpOf(s);
  return el('div', { class: 'field', 'data-field': pathText(path) },
    el('button', {
      type: 'button', class: 'add', 'data-path': pathText(path), 'aria-label': `เพิ่ม ${label}`,
      onclick: () => { setAt(path, blank(s)); changed({ rerender: true, focus: pathText(path) }); },
    }, `+ เพิ่ม ${label}`),
    help ? el('span', { class: 'help inline' }, ` ${help}`) : null);
}

function removeButton(path, label) {
  return el('button', {
    type: 'button', 'aria-label': `ลบ${label}`,
    onclick: () => { setAt(path, undefined); changed({ rerender: true }); },
  }, 'ลบ');
}

function objectField(s, path, label, opts) {
  const value = getAt(path);
  if (value === undefined && !opts.required && !opts.inList && !opts.variantOf) return addButton(s, path, label, opts);
  const box = el('fieldset', { 'data-field': pathText(path) });
  if (!opts.inList && !opts.variantOf) {
    box.append(el('legend', {}, label,
      !opts.required ? el('span', {}, ' ', removeButton(path, label)) : null));
    const help = helpOf(s);
    if (help) box.append(el('span', { class: 'help' }, help));
  } else if (opts.variantOf) {
    box.append(el('legend', { class: 'visually-hidden' }, label));
  }
  const req = new Set(s.required || []);
  const rank = (k) => { const i = FIRST_IN_PART.indexOf(k); return i < 0 ? FIRST_IN_PART.length : i; };
  const entries = Object.entries(s.properties || {}).sort(([a], [b]) => rank(a) - rank(b));
  const more = [];
  for (const [k, p] of entries) {
    const r = resolve(p);
    if (r.const !== undefined) continue; // a tag, set by the variant
    const node = field(p, [...path, k], { label: labelOf(r, k), required: req.has(k) });
    if (req.has(k) || !isEmpty(getAt([...path, k]))) box.append(node);
    else more.push(node);
  }
  if (more.length) box.append(moreBox(more, path));
  return box;
}

const isEmpty = (v) => v === undefined || v === null || v === ''
  || (Array.isArray(v) && v.length === 0)
  || (typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0);

/** Optional parts left empty, out of the way until wanted. */
function moreBox(nodes, path) {
  const box = el('details', { class: 'more', 'data-more': pathText(path) },
    el('summary', {}, `ส่วนอื่นที่เลือกใส่ได้ (${thaiNum(nodes.length)})`), nodes);
  // Stays open across re-rendering once opened.
  const key = pathText(path);
  box.open = S.openMore.has(key);
  box.addEventListener('toggle', () => { if (box.open) S.openMore.add(key); else S.openMore.delete(key); });
  return box;
}

function arrayField(s, path, label, opts) {
  const items = getAt(path);
  const list = Array.isArray(items) ? items : [];
  const itemSchema = s.items || {};
  const box = el('fieldset', { 'data-field': pathText(path) },
    el('legend', { class: opts.required ? 'required' : null }, label));
  const help = helpOf(s);
  if (help) box.append(el('span', { class: 'help' }, help));
  list.forEach((_, i) => {
    const itemPath = [...path, i];
    const n = thaiNum(i + 1);
    const head = el('div', { class: 'item-head' }, el('span', {}, `${label} ลำดับที่ ${n}`), el('span', { class: 'spacer' }),
      el('button', { type: 'button', 'aria-label': `เลื่อน${label} ลำดับที่ ${n} ขึ้น`, disabled: i === 0, onclick: () => move(path, i, -1) }, '↑'),
      el('button', { type: 'button', 'aria-label': `เลื่อน${label} ลำดับที่ ${n} ลง`, disabled: i === list.length - 1, onclick: () => move(path, i, 1) }, '↓'),
      el('button', {
        type: 'button', 'aria-label': `ลบ${label} ลำดับที่ ${n}`,
        onclick: () => { setAt(itemPath, undefined); changed({ rerender: true }); },
      }, 'ลบ'));
    box.append(el('div', { class: 'item' }, head,
      field(itemSchema, itemPath, { label: `${label} ลำดับที่ ${n}`, required: true, inList: true })));
  });
  box.append(el('button', {
    type: 'button', class: 'add', 'data-path': list.length ? null : pathText(path),
    onclick: () => {
      const arr = Array.isArray(getAt(path)) ? getAt(path) : [];
      arr.push(blank(itemSchema));
      setAt(path, arr);
      changed({ rerender: true, focus: pathText([...path, arr.length - 1]) });
    },
  }, `+ เพิ่ม ${label}`));
  return box;
}

function move(path, i, by) {
  const arr = getAt(path);
  const [x] = arr.splice(i, 1);
  arr.splice(i + by, 0, x);
  changed({ rerender: true });
}

// ---------------------------------------------------------------- problems

function showProblems(problems) {
  S.problems = problems;
  const form = $('letter-form');
  for (const n of document.querySelectorAll('.field-error')) n.remove();
  for (const n of document.querySelectorAll('.invalid')) n.classList.remove('invalid');
  for (const n of document.querySelectorAll('[aria-invalid]')) n.removeAttribute('aria-invalid');
  const list = $('problem-list');
  list.replaceChildren();
  $('problems').hidden = problems.length === 0;
  for (const p of problems) {
    const target = placeOf(form, p.field || '');
    const text = `${p.label || p.field || 'หนังสือ'}: ${p.message}`;
    if (target) {
      const closed = target.closest('details');
      if (closed && !closed.open) closed.open = true;
      const msg = el('span', { class: 'field-error', id: freshId() }, p.note ? `${p.note}: ${p.message}` : p.message);
      target.classList.add('invalid');
      const control = target.querySelector('input, textarea, select, button');
      if (control) {
        control.setAttribute('aria-invalid', 'true');
        const before = control.getAttribute('aria-describedby');
        control.setAttribute('aria-describedby', before ? `${before} ${msg.id}` : msg.id);
      }
      target.append(msg);
    }
    list.append(el('li', {}, el('a', {
      href: '#',
      onclick: (e) => {
        e.preventDefault();
        const c = target && target.querySelector('input, textarea, select, button');
        if (c) c.focus();
      },
    }, text)));
  }
}

/** The wrapper a problem at `field` is shown in: the field, or its nearest shown parent. */
function placeOf(form, fieldPath) {
  // The field, or its nearest shown parent: `body[3].items[0].text`, `body[3]`, `body`.
  for (let f = fieldPath; f; f = f.replace(/(\[\d+\]|\.[^.[\]]+)$/, '')) {
    const hit = form.querySelector(`[data-field="${CSS.escape(f)}"]`);
    if (hit) return hit;
    if (!/[.[]/.test(f)) break;
  }
  // The kind and a stored agency are chosen in the toolbar.
  const top = fieldPath.split(/[.[]/)[0];
  return top === 'kind' || top === 'agency' ? $(top).parentElement : null;
}

// ---------------------------------------------------------------- preview

function schedule() {
  clearTimeout(S.timer);
  $('preview-state').textContent = 'กำลังปรับภาพ…';
  S.timer = setTimeout(refresh, PREVIEW_DELAY_MS);
}

function previewDpi() {
  const w = ($('preview').parentElement.clientWidth || 600) * (window.devicePixelRatio || 1);
  return Math.max(40, Math.min(150, Math.round(w / 8.27)));
}

async function refresh() {
  const seq = ++S.seq;
  const doc = structuredClone(S.doc);
  const validation = postJSON('/v1/letters/validate', doc).then(async (res) => {
    if (seq !== S.seq) return;
    const body = await res.json().catch(() => null);
    if (!res.ok) { showProblems([{ field: '', message: await problemText(res) }]); return; }
    showProblems((body && body.problems) || []);
  }).catch(() => {});
  const q = `page=${S.page}&dpi=${previewDpi()}`;
  let res;
  try {
    res = S.recipients
      ? await postJSON(`/v1/batches/preview?letter=${S.letter}&${q}`, batchRequest(doc))
      : await postJSON(`/v1/letters?format=png&${q}`, doc);
  } catch (e) {
    $('preview-state').textContent = 'ติดต่อบริการไม่ได้';
    return;
  }
  if (seq !== S.seq) return;
  if (res.ok) {
    const blob = await res.blob();
    if (seq !== S.seq) return;
    S.pages = Number(res.headers.get('X-Pages')) || 1;
    const img = $('preview');
    if (S.imageUrl) URL.revokeObjectURL(S.imageUrl);
    S.imageUrl = URL.createObjectURL(blob);
    img.src = S.imageUrl;
    img.alt = `ภาพตัวอย่างหน้า ${thaiNum(S.page)} จาก ${thaiNum(S.pages)} หน้า`;
    $('preview-state').textContent = '';
  } else {
    const p = await problemOf(res);
    const atPage = p && (p.problems || []).some((x) => x.field === 'page' || x.field === 'letter');
    if (atPage && (S.page > 1 || S.letter > 1)) {
      S.page = 1;
      if ((p.problems || []).some((x) => x.field === 'letter')) S.letter = 1;
      return refresh();
    }
    $('preview-state').textContent = res.status === 422 || res.status === 400
      ? 'ยังแสดงภาพไม่ได้: มีข้อที่ต้องแก้ไข'
      : `ยังแสดงภาพไม่ได้: ${await problemText(res)}`;
  }
  updatePager();
  await validation;
}

function updatePager() {
  $('page-label').textContent = `หน้า ${thaiNum(S.page)}/${thaiNum(S.pages)}`;
  $('prev-page').disabled = S.page <= 1;
  $('next-page').disabled = S.page >= S.pages;
  const r = S.recipients;
  $('recipient-nav').hidden = !r;
  if (r) {
    const row = r.rows[S.letter - 1] || {};
    const first = Object.values(row)[0];
    $('recipient-label').textContent = `ผู้รับ ${thaiNum(S.letter)}/${thaiNum(r.rows.length)}${first !== undefined ? `: ${first}` : ''}`;
    $('prev-recipient').disabled = S.letter <= 1;
    $('next-recipient').disabled = S.letter >= r.rows.length;
  }
}

function turnPage(by) {
  S.page = Math.min(Math.max(1, S.page + by), S.pages);
  updatePager();
  schedule();
}

function turnRecipient(by) {
  if (!S.recipients) return;
  S.letter = Math.min(Math.max(1, S.letter + by), S.recipients.rows.length);
  S.page = 1;
  saveDraft();
  updatePager();
  schedule();
}

// ---------------------------------------------------------------- letters out

const isAuto = (doc) => typeof doc.reference === 'string' && doc.reference.trim() === 'auto';

function fileStem(doc) {
  const t = String(doc.subject || doc.title || 'หนังสือ').replace(/[\\/:*?"<>|\n\r\t]+/g, ' ').trim();
  return t.slice(0, 60) || 'หนังสือ';
}

function askForKey() {
  setStatus('การขอเลขที่จากทะเบียนต้องใช้กุญแจ API ของหน่วยงาน: ใส่ในแท็บ "ทะเบียนหนังสือส่ง"', true);
}

function idempotencyKey(body) {
  const text = JSON.stringify(body);
  return S.issued[text] || (S.issued[text] = randomKey());
}

async function downloadPdf() {
  const doc = structuredClone(S.doc);
  const auto = isAuto(doc);
  if (auto && !apiKey()) {
    askForKey();
    return;
  }
  setStatus('กำลังจัดทำ PDF…');
  const res = await postJSON('/v1/letters', doc, auto ? { 'Idempotency-Key': idempotencyKey(doc) } : {});
  if (!res.ok) { setStatus(`ออก PDF ไม่ได้: ${await problemText(res)}`, true); return; }
  const reference = referenceOf(res);
  saveBlob(await res.blob(), `${fileStem(doc)}.pdf`);
  setStatus(reference ? `ได้เลขที่ ${reference} แล้ว และบันทึกในทะเบียนหนังสือส่ง` : 'ดาวน์โหลด PDF แล้ว');
}

function batchRequest(doc) {
  const req = { document: doc, recipients: S.recipients.rows };
  const name = $('file-name').value.trim();
  if (name) req.file_name = name;
  const numbering = $('numbering').value;
  if (numbering) req.numbering = numbering;
  return req;
}

async function downloadBatch(merge) {
  if (!S.recipients) return;
  const req = batchRequest(structuredClone(S.doc));
  if ((req.numbering || isAuto(req.document)) && !apiKey()) {
    askForKey();
    return;
  }
  const total = S.recipients.rows.length;
  const bar = $('batch-bar');
  $('batch-progress').hidden = false;
  bar.removeAttribute('value');
  $('batch-label').textContent = `กำลังตรวจและจัดทำ ${thaiNum(total)} ฉบับ…`;
  const extra = req.numbering ? { 'Idempotency-Key': idempotencyKey({ merge, req }) } : {};
  let res;
  try {
    res = await postJSON(`/v1/batches${merge ? '?merge=true' : ''}`, req, extra);
  } catch (e) {
    $('batch-label').textContent = 'ติดต่อบริการไม่ได้';
    return;
  }
  if (!res.ok) {
    $('batch-progress').hidden = true;
    const p = await problemOf(res);
    setStatus(`จัดทำไม่ได้: ${await problemText(res)}`, true);
    if (p && p.problems) showBatchProblems(p.problems);
    return;
  }
  const letters = Number(res.headers.get('X-Letters')) || total;
  const chunks = [];
  let received = 0;
  let done = 0;
  let tail = new Uint8Array(0);
  const reader = res.body.getReader();
  bar.max = letters;
  for (;;) {
    const { value, done: finished } = await reader.read();
    if (finished) break;
    chunks.push(value);
    received += value.length;
    if (!merge) {
      // Each letter starts a ZIP entry (its local header, PK\3\4) as it is rendered.
      const joined = new Uint8Array(tail.length + value.length);
      joined.set(tail); joined.set(value, tail.length);
      for (let i = 0; i + 3 < joined.length; i++) {
        if (joined[i] === 0x50 && joined[i + 1] === 0x4b && joined[i + 2] === 3 && joined[i + 3] === 4) done++;
      }
      tail = joined.slice(Math.max(0, joined.length - 3));
      bar.value = Math.min(done, letters);
      $('batch-label').textContent = `จัดทำแล้ว ${thaiNum(Math.min(done, letters))}/${thaiNum(letters)} ฉบับ`;
    } else {
      $('batch-label').textContent = `กำลังรับ PDF รวมเล่ม ${thaiNum(Math.round(received / 1024))} KB`;
    }
  }
  bar.value = letters;
  $('batch-label').textContent = `เสร็จแล้ว ${thaiNum(letters)} ฉบับ`;
  const type = merge ? 'application/pdf' : 'application/zip';
  saveBlob(new Blob(chunks, { type }), `${fileStem(req.document)}.${merge ? 'pdf' : 'zip'}`);
  const reference = referenceOf(res);
  setStatus(reference ? `ได้เลขที่ ${reference} แล้ว` : `ดาวน์โหลด ${thaiNum(letters)} ฉบับแล้ว`);
}

function showBatchProblems(problems) {
  // `recipients[2].document.to` is the form's `to`, for the third recipient.
  showProblems(problems.map((p) => {
    const m = /^recipients\[(\d+)\]\.document\.?(.*)$/.exec(p.field || '');
    if (!m) return { ...p, field: (p.field || '').replace(/^document\.?/, '') };
    // Beside the field, which recipient; the list above names it by the service's label.
    return { ...p, field: m[2], note: `ผู้รับรายที่ ${thaiNum(Number(m[1]) + 1)}` };
  }));
}

// ---------------------------------------------------------------- recipients

async function readRecipients(file) {
  const form = new FormData();
  form.append('recipients', file, file.name);
  setStatus(`กำลังอ่าน ${file.name}…`);
  const res = await fetch('/v1/recipients', { method: 'POST', headers: headers(), body: form });
  if (!res.ok) { setStatus(`อ่านรายชื่อไม่ได้: ${await problemText(res)}`, true); return; }
  const read = await res.json();
  setRecipients({ columns: read.columns, rows: read.rows, file: file.name });
  setStatus(`อ่านรายชื่อแล้ว ${thaiNum(read.rows.length)} ราย`);
  S.letter = 1;
  S.page = 1;
  changed();
}

function placeholder(column) {
  return /^[\p{L}\p{M}\p{N}_]+$/u.test(column) ? `{{recipient.${column}}}` : `{{recipient.[${column}]}}`;
}

function setRecipients(r) {
  S.recipients = r && r.rows && r.rows.length ? r : null;
  const info = $('recipients-info');
  info.hidden = !S.recipients;
  $('merge').open = !!S.recipients || $('merge').open;
  updatePager();
  if (!S.recipients) return;
  const { columns, rows } = S.recipients;
  $('recipients-summary').textContent = `${r.file || 'รายชื่อ'}: ${thaiNum(rows.length)} ราย ${thaiNum(columns.length)} คอลัมน์`;
  const cols = $('columns');
  cols.replaceChildren(el('span', { class: 'help' }, 'แทรก:'));
  const insertables = [...columns.map((c) => [c, placeholder(c)]), ['ลำดับที่', '{{seq}}']];
  for (const [name, text] of insertables) {
    cols.append(el('button', {
      type: 'button', title: text, 'aria-label': `แทรก ${text}`,
      onmousedown: (e) => e.preventDefault(), // keep the caret where it is
      onclick: () => insertPlaceholder(text),
    }, name));
  }
  const table = $('recipients-table');
  table.replaceChildren(
    el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'ที่'), columns.map((c) => el('th', { scope: 'col' }, c)))),
    el('tbody', {}, rows.slice(0, 50).map((row, i) => el('tr', {},
      el('td', {}, thaiNum(i + 1)), columns.map((c) => el('td', {}, row[c] === undefined || row[c] === null ? '' : String(row[c])))))));
}

function insertPlaceholder(text) {
  const c = S.lastText;
  if (!c || !document.body.contains(c)) {
    setStatus('คลิกในช่องข้อความที่ต้องการแทรกก่อน แล้วจึงกดชื่อคอลัมน์', true);
    return;
  }
  const start = c.selectionStart ?? c.value.length;
  const end = c.selectionEnd ?? c.value.length;
  c.setRangeText(text, start, end, 'end');
  c.dispatchEvent(new Event('input', { bubbles: true }));
  c.focus();
  setStatus(`แทรก ${text} แล้ว`);
}

// ---------------------------------------------------------------- register

const MONTHS = ['ม.ค.', 'ก.พ.', 'มี.ค.', 'เม.ย.', 'พ.ค.', 'มิ.ย.', 'ก.ค.', 'ส.ค.', 'ก.ย.', 'ต.ค.', 'พ.ย.', 'ธ.ค.'];

/** `2024-06-15` as a register book writes it: `๑๕ มิ.ย. ๒๕๖๗` (a month alone without the day). */
function thaiDate(iso) {
  const m = /^(\d{4})-(\d{2})(?:-(\d{2}))?$/.exec(iso || '');
  if (!m) return iso || '';
  const year = Number(m[1]) < 2400 ? Number(m[1]) + 543 : Number(m[1]);
  const month = MONTHS[Number(m[2]) - 1] || m[2];
  return thaiNum(`${m[3] ? `${Number(m[3])} ` : ''}${month} ${year}`);
}

const SERIES = { normal: 'หนังสือส่ง', circular: 'หนังสือเวียน (ว)', order: 'คำสั่ง' };
const STATUS = { pending: 'รอบันทึก PDF', issued: 'ออกแล้ว', cancelled: 'ยกเลิก' };

function registerPath() {
  const agency = $('register-agency').value;
  const year = $('register-year').value.trim();
  return `/v1/register/${encodeURIComponent(agency)}/${encodeURIComponent(year)}`;
}

function registerStatus(text, isError) {
  const s = $('register-status');
  s.textContent = text;
  s.classList.toggle('register-error', !!isError);
}

async function loadRegister() {
  if (!apiKey()) { registerStatus('ใส่กุญแจ API ของหน่วยงานก่อน', true); return; }
  registerStatus('กำลังอ่านทะเบียน…');
  const res = await fetch(registerPath(), { headers: headers() });
  if (!res.ok) { registerStatus(`อ่านทะเบียนไม่ได้: ${await problemText(res)}`, true); $('register-table').replaceChildren(); return; }
  const listing = await res.json();
  const summary = listing.series.map((s) => `${SERIES[s.series] || s.series}: เลขล่าสุด ${thaiNum(s.last)} ถัดไป ${thaiNum(s.next)}`).join(' · ');
  registerStatus(`${thaiNum(listing.entries.length)} รายการ${summary ? ` — ${summary}` : ''}`);
  const table = $('register-table');
  const head = ['ชุด', 'เลขที่', 'ลงวันที่', 'จาก', 'ถึง', 'เรื่อง', 'สถานะ', ''];
  table.replaceChildren(
    el('thead', {}, el('tr', {}, head.map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, listing.entries.map((e) => el('tr', { 'data-number': String(e.number), 'data-series': e.series },
      el('td', {}, SERIES[e.series] || e.series),
      el('td', {}, e.reference_text),
      el('td', {}, thaiDate(e.letter_date)),
      el('td', {}, e.sender),
      el('td', {}, e.recipient),
      el('td', {}, e.subject),
      el('td', { class: `status-${e.status}` }, STATUS[e.status] || e.status, e.cancel_reason ? `: ${e.cancel_reason}` : ''),
      el('td', {}, e.status === 'cancelled' ? '' : cancelControl(e))))));
}

function cancelControl(entry) {
  const reasonId = freshId();
  const box = el('div', { class: 'cancel', hidden: true },
    el('label', { for: reasonId }, `เหตุผลที่ยกเลิกเลขที่ ${entry.reference_text}`),
    el('input', { id: reasonId, type: 'text' }),
    el('button', {
      type: 'button',
      onclick: async () => {
        const reason = $(reasonId).value.trim();
        if (!reason) { registerStatus('ต้องระบุเหตุผลที่ยกเลิก', true); $(reasonId).focus(); return; }
        const res = await postJSON(`${registerPath()}/${entry.number}/cancel`, { reason, series: entry.series });
        if (!res.ok) { registerStatus(`ยกเลิกไม่ได้: ${await problemText(res)}`, true); return; }
        await loadRegister();
      },
    }, 'ยืนยันการยกเลิก'));
  const open = el('button', {
    type: 'button', 'aria-expanded': 'false', 'aria-label': `ยกเลิกเลขที่ ${entry.reference_text}`,
    onclick: () => { box.hidden = !box.hidden; open.setAttribute('aria-expanded', String(!box.hidden)); if (!box.hidden) $(reasonId).focus(); },
  }, 'ยกเลิกเลขนี้');
  return el('div', {}, open, box);
}

async function downloadRegister(format) {
  if (!apiKey()) { registerStatus('ใส่กุญแจ API ของหน่วยงานก่อน', true); return; }
  const res = await fetch(`${registerPath()}?format=${format}`, { headers: headers() });
  if (!res.ok) { registerStatus(`ดาวน์โหลดไม่ได้: ${await problemText(res)}`, true); return; }
  saveBlob(await res.blob(), `ทะเบียนหนังสือส่ง-${$('register-agency').value}-${$('register-year').value}.${format}`);
}

// ---------------------------------------------------------------- toolbar and tabs

function syncToolbar() {
  $('kind').value = S.doc.kind;
  const agency = $('agency');
  if (typeof S.doc.agency === 'string') {
    if (![...agency.options].some((o) => o.value === S.doc.agency)) {
      agency.append(el('option', { value: S.doc.agency }, S.doc.agency));
    }
    agency.value = S.doc.agency;
  } else {
    let inline = [...agency.options].find((o) => o.value === '#inline');
    if (!inline) agency.append(inline = el('option', { value: '#inline' }, 'กำหนดไว้ในหนังสือ'));
    agency.value = '#inline';
  }
}

function selectTab(which) {
  for (const [tab, panel] of [['tab-write', 'panel-write'], ['tab-register', 'panel-register']]) {
    const on = tab === which;
    $(tab).setAttribute('aria-selected', String(on));
    $(tab).tabIndex = on ? 0 : -1;
    $(panel).hidden = !on;
  }
  $(which).focus();
}

function wire() {
  $('kind').addEventListener('change', () => {
    const kind = $('kind').value;
    S.doc.kind = kind;
    for (const k of requiredFor(kind)) {
      if (S.doc[k] === undefined && !TOOLBAR_FIELDS.has(k)) S.doc[k] = blank(S.schema.properties[k] || {});
    }
    changed({ rerender: true });
  });
  $('agency').addEventListener('change', () => {
    if ($('agency').value !== '#inline') S.doc.agency = $('agency').value;
    changed();
  });
  $('example').addEventListener('change', async () => {
    const name = $('example').value;
    if (!name) return;
    try {
      openValue(await getJSON(`/v1/examples/${encodeURIComponent(name)}`), `${name}.json`);
      setStatus(`เปิดตัวอย่าง ${name} แล้ว`);
    } catch (e) {
      setStatus(`เปิดตัวอย่างไม่ได้: ${e.message}`, true);
    }
    $('example').value = '';
  });
  $('new-draft').addEventListener('click', () => {
    S.doc = blankDocument($('kind').value || S.kinds[0].name);
    setRecipients(null);
    S.page = 1;
    syncToolbar();
    changed({ rerender: true });
    setStatus('เริ่มฉบับใหม่แล้ว');
  });
  $('open-draft').addEventListener('change', async () => {
    const file = $('open-draft').files[0];
    if (!file) return;
    try {
      openValue(JSON.parse(await file.text()), file.name);
      setStatus(`เปิด ${file.name} แล้ว`);
    } catch (e) {
      setStatus(`เปิด ${file.name} ไม่ได้: ${e.message}`, true);
    }
    $('open-draft').value = '';
  });
  $('save-draft').addEventListener('click', () => {
    const value = S.recipients ? batchRequest(S.doc) : S.doc;
    saveBlob(new Blob([JSON.stringify(value, null, 2)], { type: 'application/json' }), `${fileStem(S.doc)}.json`);
  });
  $('auto-number').addEventListener('click', () => {
    S.doc.reference = 'auto';
    changed({ rerender: true });
    setStatus('หนังสือจะได้เลขที่จากทะเบียนเมื่อดาวน์โหลด PDF (ภาพตัวอย่างเว้นเลขไว้)');
  });
  $('download-pdf').addEventListener('click', downloadPdf);
  $('prev-page').addEventListener('click', () => turnPage(-1));
  $('next-page').addEventListener('click', () => turnPage(1));
  $('prev-recipient').addEventListener('click', () => turnRecipient(-1));
  $('next-recipient').addEventListener('click', () => turnRecipient(1));
  $('recipients-file').addEventListener('change', () => {
    const f = $('recipients-file').files[0];
    if (f) readRecipients(f);
  });
  $('clear-recipients').addEventListener('click', () => { setRecipients(null); $('recipients-file').value = ''; changed(); });
  $('download-zip').addEventListener('click', () => downloadBatch(false));
  $('download-merged').addEventListener('click', () => downloadBatch(true));
  $('file-name').addEventListener('input', saveDraft);
  $('numbering').addEventListener('change', saveDraft);
  $('load-register').addEventListener('click', loadRegister);
  $('register-csv').addEventListener('click', () => downloadRegister('csv'));
  $('register-pdf').addEventListener('click', () => downloadRegister('pdf'));
  $('api-key').addEventListener('input', () => sessionStorage.setItem(KEY_KEY, $('api-key').value));
  for (const id of ['tab-write', 'tab-register']) {
    $(id).addEventListener('click', () => selectTab(id));
    $(id).addEventListener('keydown', (e) => {
      if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') selectTab(id === 'tab-write' ? 'tab-register' : 'tab-write');
    });
  }
  window.addEventListener('resize', () => { clearTimeout(S.resize); S.resize = setTimeout(schedule, 400); });
}

async function boot() {
  try {
    const [schema, kinds, agencies, examples] = await Promise.all([
      getJSON('/v1/schema'), getJSON('/v1/kinds'), getJSON('/v1/agencies'), getJSON('/v1/examples'),
    ]);
    S.schema = resolve(schema);
    S.defs = schema.$defs || schema.definitions || {};
    S.kinds = kinds.kinds;
    S.agencies = agencies.agencies;
    S.examples = examples.examples;
  } catch (e) {
    setStatus(`เปิดหน้าไม่ได้: ${e.message}`, true);
    return;
  }
  const thaiKind = Object.fromEntries(S.kinds.map((k) => [k.name, k.thai_name]));
  for (const k of S.kinds) $('kind').append(el('option', { value: k.name }, k.thai_name));
  for (const a of S.agencies) {
    $('agency').append(el('option', { value: a.id }, a.name));
    $('register-agency').append(el('option', { value: a.id }, a.name));
  }
  for (const x of S.examples) {
    const subject = x.subject || x.name;
    const short = subject.length > 60 ? `${subject.slice(0, 58)}…` : subject;
    $('example').append(el('option', { value: x.name }, `${thaiKind[x.kind] || x.kind}: ${short}`));
  }
  $('register-year').value = String(new Date().getFullYear() + 543);
  $('api-key').value = sessionStorage.getItem(KEY_KEY) || '';
  wire();
  const draft = loadDraft();
  if (draft) {
    S.doc = draft.doc;
    setRecipients(draft.recipients || null);
    S.letter = draft.letter || 1;
    setStatus('เปิดร่างที่ค้างไว้แล้ว');
  } else {
    S.doc = blankDocument(S.kinds[0].name);
  }
  syncToolbar();
  renderForm();
  schedule();
  document.body.dataset.ready = 'true';
}

document.addEventListener('DOMContentLoaded', boot);
