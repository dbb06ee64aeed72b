// The visual builder: the job's fields, params, triggers and steps as forms and cards. It edits
// the document object in place and calls commit() after each change; the editor keeps the JSON
// text in step. Step and trigger kinds and their forms come from the served schema.

import { h } from '../ui.js';
import { field, fields, resolve, STEP_COMMON } from './forms.js';
import { formatPath, parsePath } from './jsonpos.js';

const SORTABLE = new URL('../webjars/sortablejs/1.15.6/modular/sortable.esm.js', import.meta.url).href;
const PARAM_TYPES = ['string', 'integer', 'number', 'boolean', 'array', 'object'];
const FORMATS = ['date', 'date-time', 'email', 'uri'];

/** Two sheets, one over the other: "duplicate" (a glyph for it is missing from many fonts). */
function copyIcon() {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 16 16');
  svg.setAttribute('width', '14');
  svg.setAttribute('height', '14');
  svg.setAttribute('aria-hidden', 'true');
  for (const [x, y] of [[5, 5], [2, 2]]) {
    const r = document.createElementNS(ns, 'rect');
    Object.entries({ x, y, width: 9, height: 9, rx: 1.5, fill: x === 5 ? 'var(--panel)' : 'none', stroke: 'currentColor', 'stroke-width': 1.4 })
      .forEach(([k, v]) => r.setAttribute(k, String(v)));
    svg.append(r);
  }
  svg.append(svg.firstChild); // the front sheet last, drawn over the back one
  return svg;
}

const HEADINGS = ['id', 'name', 'description', 'category', 'tags'];

/** Puts the job's heading fields first, in their usual order, the rest as they were (in place). */
function headFirst(doc) {
  const entries = Object.entries(doc);
  const rank = (k) => (HEADINGS.includes(k) ? HEADINGS.indexOf(k) : HEADINGS.length);
  const sorted = entries.map((e, i) => [e, i]).sort((a, b) => rank(a[0][0]) - rank(b[0][0]) || a[1] - b[1]).map(([e]) => e);
  if (sorted.every(([k], i) => k === entries[i][0])) return;
  entries.forEach(([k]) => delete doc[k]);
  sorted.forEach(([k, v]) => { doc[k] = v; });
}

/** The kinds the schema knows, from the type enum of a $defs entry ('step' or 'trigger'), with each one's schema. */
export function kinds(schema, what) {
  const defs = schema.$defs || schema.definitions || {};
  const listed = ((defs[what] || {}).properties || {}).type;
  const names = listed && Array.isArray(listed.enum) ? listed.enum
    : Object.keys(defs).filter((k) => k.startsWith(`${what}.`)).map((k) => k.slice(what.length + 1));
  return names.map((name) => ({ name, schema: defs[`${what}.${name}`] || {} }));
}

/** The schema of one param (params' additionalProperties, possibly inside an allOf). */
function paramSchema(schema) {
  const p = schema.properties && schema.properties.params;
  const parts = p ? [p, ...(p.allOf || [])] : [];
  const found = parts.map((x) => x.additionalProperties).find((x) => x && x.properties);
  return found || { properties: {} };
}

/**
 * Creates the builder. opts: schema, doc() (the current document), commit(path) after an edit in
 * place, changed() after a structural change (the builder has redrawn itself), lockedId (a saved
 * job: its id is shown, not edited).
 */
export function createBuilder(opts) {
  const { schema } = opts;
  const stepKinds = kinds(schema, 'step');
  const paramProps = paramSchema(schema).properties;
  const paramTypes = (paramProps.type && paramProps.type.enum) || PARAM_TYPES;
  const formats = (paramProps.format && paramProps.format.enum) || FORMATS;
  const triggerKinds = kinds(schema, 'trigger');
  const collapsed = new Set();
  const el = h('div', { class: 'builder', 'data-test': 'builder' });
  let sortable = null;
  let Sortable = null;
  let errors = [];
  import(SORTABLE).then((m) => { Sortable = m.default; makeSortable(); })
    .catch((e) => console.warn('drag and drop is off, the move buttons still work:', e)); // eslint-disable-line no-console

  const doc = () => opts.doc();
  const commit = (path) => { refreshHeaders(); opts.commit(path); };
  const structural = () => { render(); opts.changed(); };

  function render() {
    const d = doc();
    const focus = rememberFocus();
    el.replaceChildren(jobSection(d), paramsSection(d), triggersSection(d), stepsSection(d));
    makeSortable();
    placeErrors();
    restoreFocus(focus);
  }

  // --- the job's own fields -------------------------------------------------------------------
  function jobSection(d) {
    const top = resolve(schema, schema);
    const tags = h('div', { class: 'field', 'data-path': '$.tags' },
      h('label', { for: 'job-tags' }, 'tags'),
      h('input', { id: 'job-tags', type: 'text', 'data-test': 'job-tags', placeholder: 'comma, separated',
        value: Array.isArray(d.tags) ? d.tags.join(', ') : '',
        oninput: (e) => {
          const list = e.target.value.split(',').map((t) => t.trim()).filter(Boolean);
          if (list.length) d.tags = list;
          else delete d.tags;
          headed(['tags']);
        } }));
    // a field given for the first time goes with the job's other headings, not after its steps
    const headed = (path) => { headFirst(d); commit(path); };
    const own = fields(schema, top, d, { path: [], emit: headed, only: ['id', 'name', 'description', 'category'] });
    own.forEach((f) => {
      const control = f.querySelector('input, textarea, select');
      if (control) control.dataset.test = `job-${f.dataset.path.slice(2)}`;
      // a saved job keeps its id (its versions, runs and routes are under it)
      if (control && opts.lockedId && f.dataset.path === '$.id') {
        control.readOnly = true;
        control.title = 'A saved job keeps its id.';
      }
    });
    return h('section', { class: 'b-section' }, h('h3', {}, 'Job'), h('div', { class: 'b-grid' }, own, tags));
  }

  // --- params ----------------------------------------------------------------------------------
  function paramsSection(d) {
    const params = d.params && typeof d.params === 'object' ? d.params : {};
    const rows = Object.keys(params).map((name) => paramRow(d, params, name));
    return h('section', { class: 'b-section', 'data-path': '$.params' },
      h('h3', {}, 'Parameters', h('span', { class: 'count' }, String(rows.length))),
      rows.length ? rows : h('p', { class: 'muted small' }, 'None: runs take no input.'),
      h('button', { type: 'button', class: 'small', 'data-test': 'param-add', onclick: () => {
        d.params = d.params || {};
        let n = 1;
        while (d.params[`param${n}`]) n++;
        d.params[`param${n}`] = { type: 'string' };
        structural();
        el.querySelector('[data-test=param-row]:last-of-type [data-test=param-name]')?.focus();
      } }, '+ Add parameter'));
  }

  function paramRow(d, params, initial) {
    let name = initial;
    const spec = params[name] && typeof params[name] === 'object' ? params[name] : (params[name] = {});
    const path = () => ['params', name];
    const typed = (text) => {
      if (text === '') return undefined;
      if (spec.type === 'integer' || spec.type === 'number') return Number.isFinite(Number(text)) ? Number(text) : text;
      if (spec.type === 'boolean') return text === 'true' ? true : text === 'false' ? false : text;
      if (spec.type === 'array' || spec.type === 'object') { try { return JSON.parse(text); } catch (e) { return text; } }
      return text;
    };
    const setKey = (key, v) => { if (v === undefined) delete spec[key]; else spec[key] = v; commit([...path(), key]); };
    const nameInput = h('input', { type: 'text', 'data-test': 'param-name', value: name, spellcheck: 'false', 'aria-label': 'parameter name',
      oninput: (e) => {
        const next = e.target.value.trim();
        // a name that is empty or taken stays in the field only, marked, until it is a new one
        const bad = next === '' || (next !== name && Object.prototype.hasOwnProperty.call(params, next));
        e.target.classList.toggle('invalid', bad);
        if (bad || next === name) return;
        const entries = Object.entries(params);
        entries.forEach(([k]) => delete params[k]);
        entries.forEach(([k, v]) => { params[k === name ? next : k] = v; });
        name = next;
        row.dataset.path = formatPath(path());
        commit(path());
      } });
    const show = (v) => (v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v));
    const defaultInput = spec.type === 'boolean'
      ? h('select', { 'data-test': 'param-default', 'aria-label': 'default', onchange: (e) => setKey('default', typed(e.target.value)) },
        ['', 'true', 'false'].map((v) => h('option', { value: v, selected: show(spec.default) === v }, v || '(none)')))
      : h('input', { type: 'text', 'data-test': 'param-default', placeholder: 'default', value: show(spec.default), spellcheck: 'false',
        'aria-label': 'default', oninput: (e) => setKey('default', typed(e.target.value)) });
    const row = h('div', { class: 'param-row', 'data-test': 'param-row', 'data-path': formatPath(path()) },
      h('div', { class: 'param-line' },
        nameInput,
        h('select', { 'data-test': 'param-type', 'aria-label': 'type', onchange: (e) => { spec.type = e.target.value; structural(); } },
          paramTypes.map((t) => h('option', { value: t, selected: spec.type === t }, t))),
        h('label', { class: 'check' }, h('input', { type: 'checkbox', 'data-test': 'param-required', checked: spec.required === true,
          onchange: (e) => setKey('required', e.target.checked ? true : undefined) }), 'required'),
        h('button', { type: 'button', class: 'icon danger', title: 'Remove parameter', 'aria-label': 'Remove parameter',
          'data-test': 'param-delete', onclick: () => { delete params[name]; structural(); } }, '×')),
      h('div', { class: 'param-line' },
        defaultInput,
        h('input', { type: 'text', 'data-test': 'param-enum', placeholder: 'allowed values: a, b, c', spellcheck: 'false',
          'aria-label': 'allowed values', value: Array.isArray(spec.enum) ? spec.enum.map(show).join(', ') : '',
          oninput: (e) => {
            const list = e.target.value.split(',').map((t) => t.trim()).filter(Boolean).map(typed);
            setKey('enum', list.length ? list : undefined);
          } }),
        spec.type === 'string' || spec.format
          ? h('select', { 'data-test': 'param-format', 'aria-label': 'format', onchange: (e) => setKey('format', e.target.value || undefined) },
            ['', ...formats].map((f) => h('option', { value: f, selected: (spec.format || '') === f }, f || '(any text)')))
          : null),
      // other keys the builder has no control for (minimum, secret, …) are kept as they are
      h('input', { type: 'text', class: 'param-desc', 'data-test': 'param-description', placeholder: 'description',
        value: spec.description || '', 'aria-label': 'description', oninput: (e) => setKey('description', e.target.value || undefined) }));
    return row;
  }

  // --- triggers --------------------------------------------------------------------------------
  function triggersSection(d) {
    const list = Array.isArray(d.triggers) ? d.triggers : [];
    const cards = list.map((t, i) => {
      const kind = triggerKinds.find((k) => k.name === t.type);
      const path = ['triggers', i];
      return h('div', { class: 'card trigger-card', 'data-test': 'trigger-card', 'data-path': formatPath(path) },
        h('div', { class: 'card-head' }, h('span', { class: 'kind' }, t.type || '?'), h('span', { class: 'spacer' }),
          h('button', { type: 'button', class: 'icon danger', title: 'Remove trigger', 'aria-label': 'Remove trigger',
            'data-test': 'trigger-delete', onclick: () => { list.splice(i, 1); if (!list.length) delete d.triggers; structural(); } }, '×')),
        h('div', { class: 'card-body' }, kind ? fields(schema, kind.schema, t, { path, emit: commit, skip: ['type'] })
          : h('p', { class: 'muted' }, `Unknown trigger kind; edit it in the JSON.`)));
    });
    return h('section', { class: 'b-section', 'data-path': '$.triggers' },
      h('h3', {}, 'Triggers', h('span', { class: 'count' }, String(cards.length))),
      cards.length ? cards : h('p', { class: 'muted small' }, 'None: the job runs when started by hand or through the API.'),
      kindMenu('trigger', triggerKinds, (kind) => {
        d.triggers = Array.isArray(d.triggers) ? d.triggers : [];
        d.triggers.push({ type: kind });
        structural();
      }));
  }

  // --- steps -----------------------------------------------------------------------------------
  function stepsSection(d) {
    const steps = Array.isArray(d.steps) ? d.steps : [];
    const list = h('div', { class: 'step-list', 'data-test': 'step-list' }, steps.map((s, i) => stepCard(d, s, i)));
    return h('section', { class: 'b-section', 'data-path': '$.steps' },
      h('h3', {}, 'Steps', h('span', { class: 'count' }, String(steps.length))),
      steps.length ? null : h('p', { class: 'muted small' }, 'No steps yet: add the first one.'),
      list,
      kindMenu('step', stepKinds, (kind) => {
        d.steps = Array.isArray(d.steps) ? d.steps : [];
        d.steps.push({ id: uniqueId(d, kind.replace(/\W/g, '_')), type: kind });
        structural();
        const cards = el.querySelectorAll('[data-test=step-card]');
        const last = cards[cards.length - 1];
        last?.scrollIntoView({ block: 'nearest' });
        last?.querySelector('.card-body input, .card-body textarea, .card-body select')?.focus();
      }));
  }

  function stepCard(d, step, i) {
    const path = ['steps', i];
    const kind = stepKinds.find((k) => k.name === step.type);
    const key = step.id || `#${i}`;
    const move = (to) => {
      if (to < 0 || to >= d.steps.length) return;
      const [s] = d.steps.splice(i, 1);
      d.steps.splice(to, 0, s);
      structural();
      el.querySelector(`[data-test=step-card][data-index="${to}"] [data-test=${to < i ? 'step-up' : 'step-down'}]`)?.focus();
    };
    const body = kind ? [
      field(schema, 'id', resolve(schema, kind.schema.properties.id || { type: 'string' }), step, [...path, 'id'], true, commit),
      fields(schema, kind.schema, step, { path, emit: commit, skip: STEP_COMMON }),
      h('details', { class: 'advanced', open: ['when', 'forEach', 'continueOnError', 'timeout', 'retry', 'name'].some((k) => k in step) || null },
        h('summary', {}, 'Name, condition, loop, errors, retry, timeout'),
        fields(schema, kind.schema, step, { path, emit: commit, only: ['name', 'when', 'forEach', 'continueOnError', 'timeout', 'retry'] })),
    ] : h('p', { class: 'muted' }, `Unknown step kind '${step.type}'; edit it in the JSON.`);
    const btn = (test, label, title, onclick, disabled) => h('button', { type: 'button', class: 'icon', title, 'aria-label': title,
      'data-test': test, disabled: disabled || null, onclick }, label);
    const card = h('div', { class: ['card', 'step-card', collapsed.has(key) ? 'collapsed' : null], 'data-test': 'step-card',
      'data-index': String(i), 'data-path': formatPath(path) },
      h('div', { class: 'card-head' },
        h('span', { class: 'drag-handle', title: 'Drag to reorder', 'aria-hidden': 'true' }, '⠿'),
        h('span', { class: 'step-no' }, String(i + 1)),
        h('strong', { class: 'step-title', 'data-test': 'step-title' }, step.id || '(no id)'),
        h('span', { class: 'kind', 'data-test': 'step-kind' }, step.type || '?'),
        h('span', { class: 'flags' }),
        h('span', { class: 'spacer' }),
        btn('step-up', '↑', 'Move up', () => move(i - 1), i === 0),
        btn('step-down', '↓', 'Move down', () => move(i + 1), i === d.steps.length - 1),
        btn('step-duplicate', copyIcon(), 'Duplicate', () => {
          const copy = JSON.parse(JSON.stringify(step));
          copy.id = uniqueId(d, `${step.id || 'step'}_copy`, true);
          d.steps.splice(i + 1, 0, copy);
          structural();
        }),
        btn('step-delete', '×', 'Delete step', () => { d.steps.splice(i, 1); structural(); }),
        btn('step-toggle', collapsed.has(key) ? '▸' : '▾', 'Fold', () => {
          if (collapsed.has(key)) collapsed.delete(key); else collapsed.add(key);
          structural();
        })),
      h('div', { class: 'card-body' }, body));
    flagsOf(card, step);
    return card;
  }

  function flagsOf(card, step) {
    const flags = card.querySelector('.flags');
    const chips = [];
    if (step.when !== undefined) chips.push(h('span', { class: 'chip', title: `runs when ${step.when}` }, 'when'));
    if (step.forEach !== undefined) chips.push(h('span', { class: 'chip', title: 'runs once per item' }, 'for each'));
    if (step.continueOnError === true) chips.push(h('span', { class: 'chip', title: 'a failure does not fail the job' }, 'continue on error'));
    flags.replaceChildren(...chips);
  }

  /** Titles and flags follow the fields without redrawing the cards (the focus stays where it is). */
  function refreshHeaders() {
    const steps = Array.isArray(doc().steps) ? doc().steps : [];
    el.querySelectorAll('[data-test=step-card]').forEach((card) => {
      const step = steps[Number(card.dataset.index)];
      if (!step) return;
      card.querySelector('.step-title').textContent = step.id || '(no id)';
      flagsOf(card, step);
    });
  }

  /** A step id no other step has: the stem itself (when bare is allowed) or the stem with a number. */
  function uniqueId(d, base, bare) {
    const taken = new Set((d.steps || []).map((s) => s.id));
    const stem = /^[A-Za-z_]/.test(base) ? base : `s_${base}`;
    if (bare && !taken.has(stem)) return stem;
    for (let n = 1; ; n++) {
      if (!taken.has(`${stem}_${n}`)) return `${stem}_${n}`;
    }
  }

  /** A button opening the list of kinds, each with its description. */
  function kindMenu(what, list, add) {
    const menu = h('div', { class: 'kind-menu', hidden: true, role: 'menu', 'data-test': `${what}-kinds` },
      list.map((k) => h('button', { type: 'button', role: 'menuitem', class: 'kind-item', 'data-test': `${what}-kind-${k.name}`,
        title: k.schema.description || '', onclick: () => { menu.hidden = true; add(k.name); } },
        h('strong', {}, k.name), h('span', { class: 'muted' }, k.schema.description || ''))));
    menu.addEventListener('keydown', (e) => {
      const items = [...menu.querySelectorAll('button')];
      const at = items.indexOf(document.activeElement);
      // the list is two columns: left and right step by one, up and down by a row
      const step = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: 2, ArrowUp: -2 }[e.key];
      if (e.key === 'Escape') {
        menu.hidden = true;
        toggle.focus();
      } else if (step && at >= 0) {
        e.preventDefault();
        items[Math.min(items.length - 1, Math.max(0, at + step))].focus();
      }
    });
    const toggle = h('button', { type: 'button', class: 'add-kind', 'data-test': what === 'step' ? 'builder-add-step' : 'builder-add-trigger',
      'aria-haspopup': 'menu', onclick: () => {
        menu.hidden = !menu.hidden;
        if (!menu.hidden) menu.querySelector('button')?.focus();
      } }, what === 'step' ? '+ Add step' : '+ Add trigger');
    const picker = h('div', { class: 'kind-picker' }, toggle, menu);
    picker.addEventListener('focusout', (e) => { if (!picker.contains(e.relatedTarget)) menu.hidden = true; });
    return picker;
  }

  function makeSortable() {
    if (sortable) { sortable.destroy(); sortable = null; }
    const list = el.querySelector('.step-list');
    if (!Sortable || !list) return;
    // the mouse-event fallback rather than native drag and drop: the same in every browser, and
    // a WebDriver test can drive it
    sortable = Sortable.create(list, { handle: '.drag-handle', animation: 150, forceFallback: true, onEnd: (e) => {
      if (e.oldIndex === e.newIndex) return;
      const steps = doc().steps;
      const [s] = steps.splice(e.oldIndex, 1);
      steps.splice(e.newIndex, 0, s);
      structural();
    } });
  }

  // --- errors ----------------------------------------------------------------------------------
  /** Shows problems ({path, message}) at the field or card they concern (the nearest one shown). */
  function showErrors(list) {
    errors = list;
    placeErrors();
  }

  function placeErrors() {
    el.querySelectorAll('.field-error').forEach((n) => n.remove());
    el.querySelectorAll('.has-error').forEach((n) => n.classList.remove('has-error'));
    const loose = [];
    for (const e of errors) {
      const segs = parsePath(e.path);
      let target = null;
      for (let n = segs.length; n >= 0 && !target; n--) {
        target = el.querySelector(`[data-path="${CSS.escape(formatPath(segs.slice(0, n)))}"]`);
      }
      const note = h('div', { class: 'field-error', 'data-test': 'validation-error', 'data-error-path': e.path,
        'data-source': e.source || null, title: e.source === 'server' ? 'found by the server' : 'found by the schema check' }, e.message);
      if (!target) { loose.push(note); continue; }
      target.classList.add('has-error');
      target.closest('.step-card')?.classList.add('has-error');
      const head = target.matches('.card') ? target.querySelector('.card-body') : null;
      if (head) head.prepend(note); else target.append(note);
    }
    if (loose.length) el.prepend(h('div', { class: 'field-error-group' }, loose));
  }

  function rememberFocus() {
    const a = document.activeElement;
    if (!a || !el.contains(a)) return null;
    const holder = a.closest('[data-path]');
    return holder ? { path: holder.dataset.path, test: a.dataset.test, start: a.selectionStart, end: a.selectionEnd } : null;
  }

  function restoreFocus(f) {
    if (!f) return;
    const holder = el.querySelector(`[data-path="${CSS.escape(f.path)}"]`);
    const target = holder && (f.test ? holder.querySelector(`[data-test="${CSS.escape(f.test)}"]`) : holder.querySelector('input, textarea, select'));
    if (!target) return;
    target.focus();
    try { if (f.start !== null && f.start !== undefined) target.setSelectionRange(f.start, f.end); } catch (e) { /* not a text field */ }
  }

  /** Scrolls to a step's card and marks it (from the flow view or the editor's cursor). */
  function reveal(index) {
    const card = el.querySelector(`[data-test=step-card][data-index="${index}"]`);
    if (!card) return;
    card.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
    card.classList.add('flash');
    setTimeout(() => card.classList.remove('flash'), 900);
  }

  return { el, render, showErrors, reveal };
}
