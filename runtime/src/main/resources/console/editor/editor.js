// The job editor (#/jobs/new, #/jobs/:id/edit): the job's JSON in Monaco, checked as it is typed
// against the served schema, beside a visual builder and a flow view of the same document. An
// edit in either view updates the other; Save (Ctrl/Cmd+S) creates or updates the job and shows
// the server's problems where they are, in the JSON and on the builder's fields.
//
// data-test hooks (for end-to-end tests):
//   editor-page, editor-title, editor-monaco, editor-broken (JSON cannot be read: builder paused),
//   validation-status, validation-error (each problem, on the builder field or card it concerns),
//   validate, save, save-message, editor-run, editor-versions, tab-builder, tab-flow, builder,
//   job-id, job-name, job-description, job-category, job-tags,
//   param-add, param-row, param-name, param-type, param-default, param-required, param-enum,
//   param-format, param-description, param-delete,
//   builder-add-trigger, trigger-kind-<kind>, trigger-card, trigger-delete,
//   builder-add-step, step-kind-<kind>, step-list, step-card (data-index), step-title, step-kind,
//   step-up, step-down, step-duplicate, step-delete, step-toggle,
//   field-<property> (a generated form's control), kv-row, kv-key, kv-value, kv-add, kv-remove,
//   list-item, list-add, flow-view, flow-trigger, flow-step (data-index)
// runform.js adds: run-form, run-param-<name>, run-submit, run-priority.

import { h, problemView, debounce } from '../ui.js';
import { loadMonaco } from './monaco.js';
import { createBuilder, kinds } from './builder.js';
import { renderFlow } from './flow.js';
import { formatPath, locate, parsePath, parseWithPositions, pathAt } from './jsonpos.js';

const NEW_JOB = { id: 'new-job', params: {}, steps: [] };
const TAB_KEY = 'caravan.editor.tab';

/** Adds the editor's stylesheet once (the shell's index.html knows nothing of it). */
export function ensureCss() {
  const href = new URL('./editor.css', import.meta.url).href;
  if (![...document.querySelectorAll('link[rel=stylesheet]')].some((l) => l.href === href)) {
    document.head.append(h('link', { rel: 'stylesheet', href }));
  }
}

/** The served job schema (cached: it changes only with the server). */
let schemaPromise = null;
export function jobSchema(api) {
  if (!schemaPromise) {
    schemaPromise = api.get('/schema/job.json').then((s) => (typeof s === 'string' ? JSON.parse(s) : s));
    schemaPromise.catch(() => { schemaPromise = null; });
  }
  return schemaPromise;
}

const pretty = (value) => JSON.stringify(value, null, 2);

/**
 * The schema as Monaco gets it: with a snippet per step and trigger kind (Monaco's JSON service
 * reads defaultSnippets), so that completion inside "steps": [ … ] offers a whole step of a kind
 * with its required fields, as the builder's menu does.
 */
function withSnippets(schema) {
  const out = structuredClone(schema);
  const defs = out.$defs || {};
  const blank = (p) => (p.type === 'object' ? {} : p.type === 'array' ? [] : p.type === 'boolean' ? false
    : p.type === 'integer' || p.type === 'number' ? 0 : '');
  for (const what of ['step', 'trigger']) {
    if (!defs[what]) continue;
    defs[what].defaultSnippets = kinds(out, what).map(({ name, schema: kind }) => {
      const body = what === 'step' ? { id: `\${1:${name.replace(/\W/g, '_')}_1}`, type: name } : { type: name };
      let n = what === 'step' ? 2 : 1;
      for (const req of kind.required || []) {
        if (req in body) continue;
        const prop = (kind.properties || {})[req] || {};
        const empty = blank(prop);
        body[req] = typeof empty === 'string' ? `\$${n++}` : empty;
      }
      return { label: `${what}: ${name}`, description: kind.description || '', body };
    });
  }
  return out;
}

export async function render(root, params, ctx) {
  ensureCss();
  const existing = params && params.id ? params.id : null;
  root.append(h('p', { class: 'muted', 'data-test': 'loading' }, 'Loading the editor…'));
  let monaco;
  let schema;
  let job = null;
  try {
    [monaco, schema, job] = await Promise.all([loadMonaco(), jobSchema(ctx.api),
      existing ? ctx.api.get(`/jobs/${encodeURIComponent(existing)}`) : Promise.resolve(null)]);
  } catch (e) {
    root.replaceChildren(problemView(e));
    return;
  }
  root.replaceChildren();
  const cleanups = [];
  ctx.onLeave(() => cleanups.splice(0).reverse().forEach((fn) => fn()));
  const keep = (disposable) => cleanups.push(() => disposable.dispose());

  let doc = existing ? job.definition : structuredClone(NEW_JOB);
  let baseline = pretty(doc); // the text as last saved (or as a new job starts)
  let savedOnce = Boolean(existing);
  let serverErrors = [];
  let liveErrors = [];
  let saving = false;

  // --- layout ----------------------------------------------------------------------------------
  const title = h('h1', { 'data-test': 'editor-title' });
  const status = h('span', { class: 'v-status', 'data-test': 'validation-status', role: 'status' });
  const message = h('input', { type: 'text', class: 'save-message', 'data-test': 'save-message',
    placeholder: 'What changed (optional)', 'aria-label': 'change message' });
  const saveButton = h('button', { type: 'button', class: 'primary', 'data-test': 'save', title: 'Save (Ctrl+S)', onclick: () => save() }, 'Save');
  const problemBox = h('div', { class: 'editor-problem' });
  const code = h('div', { class: 'editor-code', 'data-test': 'editor-monaco' });
  const broken = h('div', { class: 'editor-broken', 'data-test': 'editor-broken', hidden: true },
    'The JSON cannot be read right now; the builder waits until it can. Monaco marks where.');
  const flowBox = h('div', { class: 'flow-box', hidden: true });
  const tabs = {};
  const showTab = (name) => {
    sessionStorage.setItem(TAB_KEY, name);
    builderBox.hidden = name !== 'builder';
    flowBox.hidden = name !== 'flow';
    Object.entries(tabs).forEach(([k, b]) => {
      b.setAttribute('aria-selected', String(k === name));
      b.classList.toggle('active', k === name);
    });
    if (name === 'flow') drawFlow();
  };
  for (const name of ['builder', 'flow']) {
    tabs[name] = h('button', { type: 'button', role: 'tab', class: 'tab', 'data-test': `tab-${name}`, onclick: () => showTab(name) },
      name === 'builder' ? 'Builder' : 'Flow');
  }
  const builder = createBuilder({
    schema,
    doc: () => doc,
    commit: () => fromBuilder(),
    changed: () => fromBuilder(),
    lockedId: Boolean(existing),
  });
  const builderBox = h('div', { class: 'builder-box' }, builder.el);
  root.append(h('div', { class: 'editor-page', 'data-test': 'editor-page' },
    h('div', { class: 'editor-toolbar' },
      title, status, h('span', { class: 'spacer' }), message,
      h('button', { type: 'button', 'data-test': 'validate', onclick: () => validate(), title: 'Check the job on the server' }, 'Validate'),
      saveButton,
      existing ? h('a', { class: 'button', href: `#/jobs/${encodeURIComponent(existing)}/versions`, 'data-test': 'editor-versions' }, 'Versions') : null,
      existing ? h('a', { class: 'button', href: `#/jobs/${encodeURIComponent(existing)}/run`, 'data-test': 'editor-run' }, 'Run…') : null),
    problemBox,
    h('div', { class: 'editor-split' },
      h('div', { class: 'editor-left' }, code),
      h('div', { class: 'editor-side' },
        h('div', { class: 'tabs', role: 'tablist' }, tabs.builder, tabs.flow),
        broken, builderBox, flowBox))));

  // --- Monaco ----------------------------------------------------------------------------------
  const uri = monaco.Uri.parse(`inmemory://caravan/jobs/${existing || 'new'}.json`);
  monaco.editor.getModel(uri)?.dispose();
  const model = monaco.editor.createModel(pretty(doc), 'json', uri);
  const json = monaco.languages.json.jsonDefaults;
  const schemaUri = new URL('api/v1/schema/job.json', document.baseURI).href;
  const others = (json.diagnosticsOptions.schemas || []).filter((s) => s.uri !== schemaUri);
  json.setDiagnosticsOptions({
    ...json.diagnosticsOptions, validate: true, allowComments: false, trailingCommas: 'error', enableSchemaRequest: false,
    schemaValidation: 'error',
    schemas: [...others, { uri: schemaUri, fileMatch: ['inmemory://caravan/jobs/*.json'], schema: withSnippets(schema) }],
  });
  const editor = monaco.editor.create(code, {
    model, automaticLayout: true, minimap: { enabled: false }, fontSize: 13, tabSize: 2, scrollBeyondLastLine: false,
    fixedOverflowWidgets: true, quickSuggestions: { strings: true, other: true, comments: false }, wordWrap: 'on',
    ariaLabel: 'job JSON',
  });
  cleanups.push(() => { editor.dispose(); model.dispose(); });

  let applying = false; // set while the builder writes the text, so the text's change is not read back
  const fromText = debounce(() => {
    if (model.isDisposed()) return;
    let parsed;
    try {
      parsed = JSON.parse(model.getValue());
    } catch (e) {
      parsed = null;
    }
    const readable = parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed);
    broken.hidden = readable;
    builderBox.classList.toggle('paused', !readable);
    if (!readable) return;
    doc = parsed;
    builder.render();
    builder.showErrors(allErrors());
    drawFlow();
  }, 250);
  keep(model.onDidChangeContent(() => {
    updateTitle();
    if (applying) return;
    clearServerErrors();
    fromText();
  }));

  /** The builder changed the document: write it into the text as one edit (the cursor stays). */
  function fromBuilder() {
    clearServerErrors();
    const text = pretty(doc);
    const old = model.getValue();
    if (old !== text) {
      let a = 0;
      const max = Math.min(old.length, text.length);
      while (a < max && old[a] === text[a]) a++;
      let b = 0;
      while (b < max - a && old[old.length - 1 - b] === text[text.length - 1 - b]) b++;
      const range = monaco.Range.fromPositions(model.getPositionAt(a), model.getPositionAt(old.length - b));
      applying = true;
      try {
        editor.executeEdits('builder', [{ range, text: text.slice(a, text.length - b) }]);
        editor.pushUndoStop();
      } finally {
        applying = false;
      }
    }
    drawFlow();
  }

  // the schema checks Monaco runs as the text changes, shown on the builder too
  keep(monaco.editor.onDidChangeMarkers((uris) => {
    if (model.isDisposed() || !uris.some((u) => u.toString() === uri.toString())) return;
    const tree = parseWithPositions(model.getValue());
    liveErrors = monaco.editor.getModelMarkers({ resource: uri })
      .filter((m) => m.owner !== 'caravan' && m.severity >= monaco.MarkerSeverity.Warning)
      .map((m) => {
        const at = tree ? pathAt(tree, model.getOffsetAt({ lineNumber: m.startLineNumber, column: m.startColumn })) : [];
        // Monaco marks a missing property on its object; the builder has a field for it
        const missing = /^Missing property "(.+)"\.?$/.exec(m.message);
        return { path: formatPath(missing ? [...at, missing[1]] : at), message: missing ? 'is required' : m.message };
      });
    showErrors();
  }));

  // the cursor's step is brought into view in the builder
  let cursorStep = -1;
  keep(editor.onDidChangeCursorPosition((e) => {
    if (applying || e.source === 'api' || builderBox.hidden) return;
    const tree = parseWithPositions(model.getValue());
    const path = tree ? pathAt(tree, model.getOffsetAt(e.position)) : [];
    const step = path[0] === 'steps' && typeof path[1] === 'number' ? path[1] : -1;
    if (step !== cursorStep && step >= 0) builder.reveal(step);
    cursorStep = step;
  }));

  // --- problems --------------------------------------------------------------------------------
  /** The server's problems and Monaco's, once each (both may report the same missing field). */
  function allErrors() {
    const seen = new Set();
    return [...serverErrors.map((e) => ({ ...e, source: 'server' })), ...liveErrors.map((e) => ({ ...e, source: 'schema' }))]
      .filter((e) => {
        const key = `${e.path}\u0000${e.message}`;
        return !seen.has(key) && seen.add(key);
      });
  }

  function showErrors() {
    builder.showErrors(allErrors());
    const n = allErrors().length;
    status.className = `v-status ${n ? 'bad' : 'ok'}`;
    status.textContent = n ? `${n} problem${n === 1 ? '' : 's'}` : 'No problems';
  }

  /** The server's problems: as Monaco markers at their paths and on the builder. */
  function setServerErrors(errors) {
    serverErrors = errors.map((e) => ({ path: e.path || '$', message: e.message }));
    const tree = parseWithPositions(model.getValue());
    monaco.editor.setModelMarkers(model, 'caravan', serverErrors.map((e) => {
      let start = 0;
      let end = 1;
      if (tree) {
        const at = locate(tree, parsePath(e.path));
        start = at.exact && at.keyStart !== null ? at.keyStart : at.node.start;
        end = at.exact ? at.node.end : at.node.start + 1;
      }
      const from = model.getPositionAt(start);
      let to = model.getPositionAt(end);
      if (to.lineNumber !== from.lineNumber) to = { lineNumber: from.lineNumber, column: model.getLineMaxColumn(from.lineNumber) };
      return { severity: monaco.MarkerSeverity.Error, message: `${e.message} (${e.path})`, source: 'server',
        startLineNumber: from.lineNumber, startColumn: from.column, endLineNumber: to.lineNumber, endColumn: to.column };
    }));
    showErrors();
  }

  function clearServerErrors() {
    problemBox.replaceChildren();
    if (!serverErrors.length) return;
    serverErrors = [];
    monaco.editor.setModelMarkers(model, 'caravan', []);
    showErrors();
  }

  /** The document as it stands, or null (with a message) when the JSON cannot be read. */
  function current() {
    try {
      return JSON.parse(model.getValue());
    } catch (e) {
      ctx.toast('The JSON has a syntax error; Monaco marks where.', 'error');
      return null;
    }
  }

  async function validate() {
    const body = current();
    if (body === null) return;
    try {
      const res = await ctx.api.post('/jobs/validate', body);
      setServerErrors(res.errors || []);
      const n = (res.errors || []).length;
      ctx.toast(res.valid ? 'The server finds the job valid.' : `The server finds ${n} problem${n === 1 ? '' : 's'}.`,
        res.valid ? 'success' : 'error');
    } catch (e) {
      refused(e);
    }
  }

  async function save() {
    if (saving) return;
    const text = model.getValue();
    const body = current();
    if (body === null) return;
    const note = message.value.trim();
    const query = note ? `?message=${encodeURIComponent(note)}` : '';
    saving = true;
    saveButton.disabled = true;
    try {
      const saved = existing
        ? await ctx.api.put(`/jobs/${encodeURIComponent(existing)}${query}`, body)
        : await ctx.api.post(`/jobs${query}`, body);
      baseline = text;
      savedOnce = true;
      message.value = '';
      setServerErrors([]);
      job = { ...(job || {}), ...saved };
      updateTitle();
      ctx.toast(`Saved ${saved.id}: version ${saved.version}.`, 'success');
      if (!existing) ctx.navigate(`#/jobs/${encodeURIComponent(saved.key || saved.id)}/edit`);
    } catch (e) {
      refused(e);
    } finally {
      saving = false;
      saveButton.disabled = false;
    }
  }

  function refused(e) {
    const errors = e && e.problem && Array.isArray(e.problem.errors) ? e.problem.errors : [];
    if (errors.length) setServerErrors(errors);
    problemBox.replaceChildren(problemView(e));
    if (!errors.length) ctx.toast(e.message || String(e), 'error');
  }

  // --- the rest --------------------------------------------------------------------------------
  function drawFlow() {
    if (flowBox.hidden) return;
    flowBox.replaceChildren(renderFlow(doc, (i) => {
      showTab('builder');
      builder.reveal(i);
      const tree = parseWithPositions(model.getValue());
      const at = tree && locate(tree, ['steps', i]);
      if (at && at.exact) {
        const pos = model.getPositionAt(at.node.start);
        editor.revealLineInCenter(pos.lineNumber);
        editor.setPosition(pos);
      }
    }));
  }

  function changed() {
    return model.getValue() !== baseline;
  }

  function updateTitle() {
    const mark = !savedOnce || changed() ? h('span', { class: 'dirty', title: 'not saved' }, ' •') : null;
    title.replaceChildren(...[existing ? 'Edit ' : 'New job', existing ? h('code', {}, existing) : null,
      job && job.version ? h('span', { class: 'muted version' }, ` v${job.version}`) : null, mark].filter(Boolean));
  }

  const onKey = (e) => {
    if ((e.ctrlKey || e.metaKey) && !e.altKey && (e.key === 's' || e.key === 'S')) {
      e.preventDefault();
      save();
    }
  };
  document.addEventListener('keydown', onKey, true);
  cleanups.push(() => document.removeEventListener('keydown', onKey, true));
  const onUnload = (e) => {
    if (changed()) {
      e.preventDefault();
      e.returnValue = '';
    }
  };
  window.addEventListener('beforeunload', onUnload);
  cleanups.push(() => window.removeEventListener('beforeunload', onUnload));

  updateTitle();
  builder.render();
  showErrors();
  showTab(sessionStorage.getItem(TAB_KEY) === 'flow' ? 'flow' : 'builder');
  editor.focus();
}
