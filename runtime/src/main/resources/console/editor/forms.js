// Forms generated from the job JSON Schema: one field per property of a step or trigger kind.
// Each field edits its object in place and calls emit(); anything the form cannot show well
// falls back to a field that takes text or JSON.

import { h } from '../ui.js';
import { formatPath } from './jsonpos.js';

/** Properties every step kind has; the builder shows them apart from the kind's own. */
export const STEP_COMMON = ['id', 'type', 'name', 'when', 'forEach', 'continueOnError', 'timeout', 'retry'];

// properties whose text is usually long enough to want several lines
const MULTILINE = new Set(['query', 'message', 'command', 'script', 'body', 'expression', 'template', 'content']);

let uid = 0;
const nextId = () => `f${++uid}`;

/** A local reference (#/$defs/x) resolved against the root schema. */
export function resolve(root, schema) {
  let s = schema || {};
  for (let guard = 0; s.$ref && guard < 10; guard++) {
    s = s.$ref.replace(/^#\//, '').split('/').reduce((o, k) => (o ? o[k.replace(/~1/g, '/').replace(/~0/g, '~')] : o), root) || {};
  }
  return s;
}

/** How a property is edited, from its schema. */
export function editorKind(s) {
  if (s.const !== undefined) return 'const';
  if (Array.isArray(s.enum)) return 'enum';
  switch (s.type) {
    case 'string': return 'string';
    case 'integer':
    case 'number': return 'number';
    case 'boolean': return 'boolean';
    case 'object': return s.properties ? 'object' : 'map';
    case 'array': return s.items && s.items.type === 'string' && !s.items.enum ? 'list' : 'json';
    default: return 'json';
  }
}

/** Text a person typed into a "text or JSON" field: JSON when it reads as JSON, else the text. */
export function parseLoose(text) {
  const t = text.trim();
  if (t === '') return undefined;
  if (/^[[{]/.test(t) || /^(-?\d+(\.\d+)?([eE][+-]?\d+)?|true|false|null)$/.test(t)) {
    try {
      return JSON.parse(t);
    } catch (e) {
      return text;
    }
  }
  return text;
}

const show = (v) => (v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v));

/**
 * The fields of an object schema editing `target` in place.
 * opts: root (the whole schema), path (segments of target), emit(), only / skip (property names).
 */
export function fields(root, schema, target, opts) {
  const s = resolve(root, schema);
  const required = new Set(s.required || []);
  let names = Object.keys(s.properties || {});
  if (opts.only) names = opts.only.filter((n) => names.includes(n));
  if (opts.skip) names = names.filter((n) => !opts.skip.includes(n));
  // required fields first, then the schema's order
  names.sort((a, b) => Number(required.has(b)) - Number(required.has(a)));
  return names
    .map((name) => field(root, name, resolve(root, s.properties[name]), target, [...opts.path, name], required.has(name), opts.emit))
    .filter(Boolean);
}

/** One property's field: label, control, help, and room for its errors. */
export function field(root, name, s, target, path, required, emit) {
  const kind = editorKind(s);
  if (kind === 'const') return null;
  const id = nextId();
  const set = (v) => {
    if (v === undefined) delete target[name];
    else target[name] = v;
    emit(path);
  };
  const value = target[name];
  let control;
  switch (kind) {
    case 'enum': control = enumControl(id, name, s, value, required, set); break;
    case 'string': control = stringControl(id, name, s, value, required, set); break;
    case 'number': control = numberControl(id, name, s, value, set); break;
    case 'boolean': control = h('input', { id, type: 'checkbox', 'data-test': `field-${name}`, checked: value === true,
      onchange: (e) => set(e.target.checked ? true : required ? false : undefined) }); break;
    case 'map': control = mapControl(name, value, required, set); break;
    case 'list': control = listControl(name, value, required, set); break;
    case 'object': return objectField(root, name, s, target, path, required, emit);
    default: control = jsonControl(id, name, value, set);
  }
  return h('div', { class: ['field', `field-${kind}`], 'data-path': formatPath(path) },
    h('label', { for: id, title: s.description || null }, name, required ? h('span', { class: 'req', title: 'required' }, ' *') : null),
    control,
    s.description ? h('div', { class: 'help', title: s.description }, s.description) : null);
}

function stringControl(id, name, s, value, required, set) {
  const long = MULTILINE.has(name) || (typeof value === 'string' && value.includes('\n'));
  const attrs = { id, 'data-test': `field-${name}`, value: show(value), spellcheck: 'false', placeholder: s.format || null,
    oninput: (e) => set(e.target.value === '' && !required ? undefined : e.target.value) };
  return long ? h('textarea', { ...attrs, rows: 3 }) : h('input', { ...attrs, type: 'text' });
}

function numberControl(id, name, s, value, set) {
  return h('input', { id, type: 'number', 'data-test': `field-${name}`, step: s.type === 'integer' ? '1' : 'any',
    min: s.minimum ?? null, max: s.maximum ?? null, value: value === undefined ? '' : String(value),
    oninput: (e) => {
      const t = e.target.value;
      set(t === '' ? undefined : Number.isFinite(Number(t)) ? Number(t) : t);
    } });
}

function enumControl(id, name, s, value, required, set) {
  const options = s.enum.map((v) => h('option', { value: JSON.stringify(v), selected: v === value }, String(v)));
  const known = value === undefined || s.enum.includes(value);
  return h('select', { id, 'data-test': `field-${name}`,
    onchange: (e) => set(e.target.value === '' ? undefined : JSON.parse(e.target.value)) },
    h('option', { value: '', selected: value === undefined }, required ? '— choose —' : '(default)'),
    options,
    known ? null : h('option', { value: JSON.stringify(value), selected: true }, show(value)));
}

/** Anything else: text, or JSON when it reads as JSON; half-typed JSON is held back until it parses. */
function jsonControl(id, name, value, set) {
  const structured = value !== null && typeof value === 'object';
  const text = structured ? JSON.stringify(value, null, 2) : show(value);
  const attrs = { id, 'data-test': `field-${name}`, value: text, spellcheck: 'false', placeholder: 'text or JSON',
    oninput: (e) => {
      const raw = e.target.value;
      const parsed = parseLoose(raw);
      const unfinished = /^\s*[[{]/.test(raw) && typeof parsed === 'string';
      e.target.classList.toggle('invalid', unfinished);
      if (!unfinished) set(parsed);
    } };
  return structured || text.length > 60 || text.includes('\n')
    ? h('textarea', { ...attrs, rows: Math.min(8, Math.max(3, text.split('\n').length)) })
    : h('input', { ...attrs, type: 'text' });
}

/** An object of string values (variables, parameters, headers): rows of name and value. */
function mapControl(name, value, required, set) {
  const plain = value === undefined || (value && typeof value === 'object' && !Array.isArray(value)
    && Object.values(value).every((v) => v === null || typeof v !== 'object'));
  if (!plain) return jsonControl(nextId(), name, value, set);
  // non-string values (numbers, booleans) stay what they are: edited as JSON text
  const rows = Object.entries(value || {}).map(([k, v]) => ({ k, v: show(v), raw: typeof v !== 'string' }));
  const list = h('div', { class: 'kv-rows' });
  const write = () => {
    const out = {};
    for (const r of rows) if (r.k !== '') out[r.k] = r.raw ? parseLoose(r.v) ?? '' : r.v;
    set(Object.keys(out).length || required ? out : undefined);
  };
  const draw = () => list.replaceChildren(...rows.map((r, n) => h('div', { class: 'kv-row', 'data-test': 'kv-row' },
    h('input', { type: 'text', class: 'kv-key', 'data-test': 'kv-key', placeholder: 'name', value: r.k, spellcheck: 'false',
      'aria-label': `${name}: name ${n + 1}`, oninput: (e) => { r.k = e.target.value; write(); } }),
    h('input', { type: 'text', class: 'kv-value', 'data-test': 'kv-value', placeholder: 'value or {{ expression }}', value: r.v,
      spellcheck: 'false', 'aria-label': `${name}: value ${n + 1}`, oninput: (e) => { r.v = e.target.value; write(); } }),
    h('button', { type: 'button', class: 'icon', title: 'Remove', 'aria-label': 'Remove', 'data-test': 'kv-remove',
      onclick: () => { rows.splice(n, 1); draw(); write(); } }, '×'))));
  draw();
  return h('div', { class: 'kv', 'data-test': `field-${name}` }, list,
    h('button', { type: 'button', class: 'small', 'data-test': 'kv-add', onclick: () => {
      rows.push({ k: '', v: '', raw: false });
      draw();
      list.lastChild.querySelector('input').focus();
    } }, '+ Add'));
}

/** An array of strings: one row per item. */
function listControl(name, value, required, set) {
  if (value !== undefined && !(Array.isArray(value) && value.every((v) => typeof v === 'string'))) {
    return jsonControl(nextId(), name, value, set);
  }
  const items = [...(value || [])];
  const list = h('div', { class: 'list-rows' });
  const write = () => set(items.length || required ? [...items] : undefined);
  const draw = () => list.replaceChildren(...items.map((v, n) => h('div', { class: 'list-row' },
    h('input', { type: 'text', value: v, 'data-test': 'list-item', 'aria-label': `${name} ${n + 1}`, spellcheck: 'false',
      oninput: (e) => { items[n] = e.target.value; write(); } }),
    h('button', { type: 'button', class: 'icon', title: 'Remove', 'aria-label': 'Remove', onclick: () => { items.splice(n, 1); draw(); write(); } }, '×'))));
  draw();
  return h('div', { class: 'list', 'data-test': `field-${name}` }, list,
    h('button', { type: 'button', class: 'small', 'data-test': 'list-add', onclick: () => {
      items.push('');
      draw();
      write();
      list.lastChild.querySelector('input').focus();
    } }, '+ Add'));
}

/** An object with known properties (retry, rateLimit): its fields in a fold, created on first use. */
function objectField(root, name, s, target, path, required, emit) {
  const own = target[name] && typeof target[name] === 'object' && !Array.isArray(target[name]) ? target[name] : {};
  const inner = (changed) => {
    if (Object.keys(own).length || required) target[name] = own;
    else delete target[name];
    emit(changed);
  };
  const body = fields(root, s, own, { path, emit: inner });
  return h('details', { class: 'field field-object', 'data-path': formatPath(path), open: Object.keys(own).length > 0 || null },
    h('summary', { title: s.description || null }, name, required ? h('span', { class: 'req' }, ' *') : null,
      s.description ? h('span', { class: 'help inline' }, ` — ${s.description}`) : null),
    h('div', { class: 'field-group' }, body));
}
