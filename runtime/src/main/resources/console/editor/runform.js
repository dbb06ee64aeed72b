// The run form (#/jobs/:id/run): one field per parameter of the job, typed after its declaration
// (enums as selects, dates as date inputs, defaults filled in, required ones marked and checked),
// then POST /jobs/{id}/executions and on to the new execution's page.
// data-test hooks: run-form, run-param-<name>, run-priority, run-submit, validation-error.

import { h, problemView } from '../ui.js';
import { ensureCss } from './editor.js';
import { parsePath } from './jsonpos.js';
import { renderFlow } from './flow.js';

const INPUT_TYPES = { date: 'date', 'date-time': 'datetime-local', email: 'email', uri: 'url' };

/** A date-time as the input shows it (local time, no zone) and back as ISO-8601. */
const toLocalInput = (iso) => {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
};

const show = (v) => (v === undefined || v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v));

export async function render(root, params, ctx) {
  ensureCss();
  const id = params.id;
  let job;
  try {
    job = await ctx.api.get(`/jobs/${encodeURIComponent(id)}`);
  } catch (e) {
    root.replaceChildren(problemView(e));
    return;
  }
  const declared = (job.definition && job.definition.params) || {};
  const inputs = {};
  const problem = h('div', { class: 'run-problem' });

  const rows = Object.entries(declared).map(([name, spec]) => {
    const fieldId = `run-${name}`;
    // a required param is marked and may not be left empty, even where its default fills it in
    const required = spec.required === true;
    let control;
    if (Array.isArray(spec.enum)) {
      control = h('select', { id: fieldId, 'data-test': `run-param-${name}`, required },
        required ? null : h('option', { value: '' }, spec.default === undefined ? '(none)' : `(default: ${show(spec.default)})`),
        spec.enum.map((v) => h('option', { value: JSON.stringify(v), selected: v === spec.default }, show(v))));
    } else if (spec.type === 'boolean') {
      control = h('select', { id: fieldId, 'data-test': `run-param-${name}`, required },
        h('option', { value: '' }, spec.default === undefined ? '(none)' : `(default: ${spec.default})`),
        h('option', { value: 'true' }, 'true'), h('option', { value: 'false' }, 'false'));
    } else if (spec.type === 'integer' || spec.type === 'number') {
      control = h('input', { id: fieldId, type: 'number', 'data-test': `run-param-${name}`, required,
        step: spec.type === 'integer' ? '1' : 'any', min: spec.minimum ?? null, max: spec.maximum ?? null, value: show(spec.default) });
    } else if (spec.type === 'array' || spec.type === 'object') {
      control = h('textarea', { id: fieldId, 'data-test': `run-param-${name}`, required, rows: 3, spellcheck: 'false',
        placeholder: spec.type === 'array' ? '["a", "b"]' : '{"key": "value"}',
        value: spec.default === undefined ? '' : JSON.stringify(spec.default, null, 2) });
    } else {
      const type = spec.secret ? 'password' : INPUT_TYPES[spec.format] || 'text';
      const value = spec.format === 'date-time' && spec.default ? toLocalInput(spec.default) : show(spec.default);
      control = h('input', { id: fieldId, type, 'data-test': `run-param-${name}`, required, value, autocomplete: 'off' });
    }
    inputs[name] = { control, spec };
    // a field's problem goes as soon as the field is changed
    const clear = () => {
      const field = control.closest('.run-field');
      field.classList.remove('has-error');
      field.querySelector('.run-error').replaceChildren();
    };
    control.addEventListener('input', clear);
    control.addEventListener('change', clear);
    return h('div', { class: 'field run-field', 'data-param': name },
      h('label', { for: fieldId }, name, required ? h('span', { class: 'req', title: 'required' }, ' *') : null,
        h('span', { class: 'muted type' }, ` ${spec.type || ''}${spec.format ? ` (${spec.format})` : ''}${spec.secret ? ', secret' : ''}`)),
      control,
      spec.description ? h('div', { class: 'help' }, spec.description) : null,
      h('div', { class: 'run-error' }));
  });

  const priority = h('input', { id: 'run-priority', type: 'number', step: '1', min: '-1000', max: '1000', 'data-test': 'run-priority', placeholder: '0' });
  const submit = h('button', { type: 'submit', class: 'primary', 'data-test': 'run-submit' }, 'Run');
  const form = h('form', { class: 'run-form', 'data-test': 'run-form', novalidate: true, onsubmit: (e) => { e.preventDefault(); run(); } },
    rows.length ? rows : h('p', { class: 'muted' }, 'This job takes no parameters.'),
    h('details', { class: 'advanced' }, h('summary', {}, 'Priority'),
      h('div', { class: 'field' }, h('label', { for: 'run-priority' }, 'priority'), priority,
        h('div', { class: 'help' }, 'Higher runs first among queued executions; default 0.'))),
    problem,
    h('div', { class: 'run-actions' }, submit, h('a', { class: 'button', href: `#/jobs/${encodeURIComponent(id)}` }, 'Cancel')));

  root.replaceChildren(h('div', { class: 'run-page' },
    h('div', { class: 'page-header' }, h('h1', {}, 'Run ', h('code', {}, id)),
      h('div', { class: 'actions' }, h('a', { class: 'button', href: `#/jobs/${encodeURIComponent(id)}/edit` }, 'Edit job'))),
    job.definition && job.definition.description ? h('p', { class: 'muted' }, job.definition.description) : null,
    job.enabled === false ? h('p', { class: 'warning' }, 'This job is disabled: a run is refused until it is enabled.') : null,
    h('div', { class: 'run-grid' }, form,
      h('div', { class: 'run-flow' }, h('h3', {}, 'What runs'), renderFlow(job.definition || {}, null)))));
  (form.querySelector('input, select, textarea') || submit).focus();

  /** Each field's value by its declared type; problems collected per field. */
  function collect() {
    const out = {};
    const problems = {};
    for (const [name, { control, spec }] of Object.entries(inputs)) {
      const raw = control.value;
      const required = spec.required === true;
      if (raw === '') {
        if (required) problems[name] = 'is required';
        continue;
      }
      if (Array.isArray(spec.enum) || spec.type === 'boolean') {
        out[name] = JSON.parse(raw);
      } else if (spec.type === 'integer' || spec.type === 'number') {
        const n = Number(raw);
        if (!Number.isFinite(n) || (spec.type === 'integer' && !Number.isInteger(n))) problems[name] = `must be ${spec.type === 'integer' ? 'a whole number' : 'a number'}`;
        else out[name] = n;
      } else if (spec.type === 'array' || spec.type === 'object') {
        try {
          out[name] = JSON.parse(raw);
        } catch (e) {
          problems[name] = `must be JSON (${spec.type === 'array' ? 'an array' : 'an object'})`;
        }
      } else if (spec.format === 'date-time') {
        out[name] = new Date(raw).toISOString();
      } else {
        out[name] = raw;
      }
    }
    return { out, problems };
  }

  function showProblems(problems) {
    form.querySelectorAll('.run-field').forEach((f) => {
      const text = problems[f.dataset.param];
      const slot = f.querySelector('.run-error');
      f.classList.toggle('has-error', Boolean(text));
      slot.replaceChildren(text ? h('div', { class: 'field-error', 'data-test': 'validation-error', role: 'alert' }, text) : '');
    });
  }

  async function run() {
    problem.replaceChildren();
    const { out, problems } = collect();
    showProblems(problems);
    if (Object.keys(problems).length) {
      form.querySelector('.has-error input, .has-error select, .has-error textarea')?.focus();
      return;
    }
    const body = { params: out };
    if (priority.value !== '') body.priority = Number(priority.value);
    submit.disabled = true;
    try {
      const started = await ctx.api.post(`/jobs/${encodeURIComponent(id)}/executions`, body);
      ctx.toast(`Started execution ${started.id.slice(0, 8)}…`, 'success');
      ctx.navigate(`#/executions/${started.id}`);
    } catch (e) {
      // problems at $.params.<name> go to their field; the rest above the buttons
      const byField = {};
      for (const p of (e.problem && e.problem.errors) || []) {
        const segs = parsePath(p.path);
        if (segs[0] === 'params' && segs.length > 1 && inputs[segs[1]]) byField[segs[1]] = p.message;
      }
      showProblems(byField);
      problem.replaceChildren(problemView(e));
    } finally {
      submit.disabled = false;
    }
  }
}
