// #/executions/:id — one execution: status, a timeline of its steps (queue wait, attempts,
// durations), each step's output and error, the context (read-only editor), files, logs (followed
// while it runs), cancel and retry. Kept current by the status events while it runs.
import { h, replace, statusBadge, fmtTime, fmtDuration, between, problemView, confirm, saveBlob, shortId } from '../ui.js';
import { loadMonaco } from '../editor/monaco.js';

const LIVE = new Set(['QUEUED', 'RUNNING']);
const BAR = { SUCCESS: 'ok', FAILED: 'bad', TIMED_OUT: 'bad', CANCELLED: 'off', SKIPPED: 'off', RUNNING: 'run', PARTIAL_SUCCESS: 'warn' };

export async function render(root, params, ctx) {
  const id = params.id;
  const path = `/executions/${encodeURIComponent(id)}`;
  const abort = new AbortController();
  ctx.onLeave(() => abort.abort());

  let execution = await ctx.api.get(path);
  let context = null;

  const title = h('h1', { title: id }, `Execution ${shortId(id)}`);
  const status = h('span', { 'data-test': 'execution-status' });
  const cancel = h('button', { 'data-test': 'cancel', onclick: onCancel }, 'Cancel');
  const retry = h('button', { 'data-test': 'retry', onclick: onRetry }, 'Retry');
  const crumbs = h('div', { class: 'crumbs' });
  const facts = h('dl', { class: 'facts' });
  const timeline = h('div', { class: 'timeline', 'data-test': 'timeline' });
  const errors = h('div');
  const tabs = h('div', { class: 'tabs', role: 'tablist' });
  const panel = h('div', { class: 'tab-panel' });
  root.append(crumbs, h('div', { class: 'page-header' }, title, status, h('div', { class: 'actions' }, cancel, retry)),
  h('div', { class: 'grid-2 wide-left' },
    h('div', { class: 'card' }, h('h2', {}, 'Timeline'), timeline),
    h('div', { class: 'card' }, h('h2', {}, 'Details'), facts)),
  errors,
  h('div', { class: 'card' }, tabs, panel));

  // ---- tabs: steps, context, files, logs
  const TABS = [['steps', 'Steps'], ['context', 'Context'], ['files', 'Files'], ['logs', 'Logs']];
  let current = params.query.get('tab') || 'steps';
  let stopLogs = () => {};
  let disposeEditor = () => {};
  ctx.onLeave(() => { stopLogs(); disposeEditor(); });
  function drawTabs() {
    replace(tabs, TABS.map(([key, label]) => h('button', { type: 'button', role: 'tab', class: key === current ? 'active' : '',
      'aria-selected': String(key === current), 'data-test': `tab-${key}`, onclick: () => show(key) }, label)));
  }
  function show(key) {
    current = key;
    stopLogs();
    disposeEditor();
    stopLogs = () => {};
    disposeEditor = () => {};
    drawTabs();
    replace(panel);
    if (key === 'steps') stepsPanel();
    else if (key === 'context') contextPanel();
    else if (key === 'files') filesPanel();
    else logsPanel();
  }

  function stepsPanel() {
    const steps = execution.steps || [];
    if (!steps.length) {
      panel.append(h('p', { class: 'muted' }, LIVE.has(execution.status) ? 'No step has started yet.' : 'No step ran.'));
      return;
    }
    const outputs = (context && context.steps) || {};
    panel.append(h('div', { class: 'step-list' }, steps.map((s) => {
      const out = outputs[s.id] && outputs[s.id].output;
      return h('details', { class: 'step-row', 'data-test': 'step-row', 'data-step': s.id, open: steps.length <= 3 || s.error ? true : null },
        h('summary', {}, statusBadge(s.status), ' ', h('code', {}, s.id), ' ',
          h('span', { class: 'muted small' }, `${s.attempts} attempt${s.attempts === 1 ? '' : 's'} · ${fmtDuration(between(s.started_at, s.completed_at))}`)),
        s.error ? h('div', { class: 'problem', 'data-test': 'step-error' }, h('strong', {}, s.error_type || 'Error'), ' ',
          h('pre', { class: 'error-text' }, s.error)) : null,
        out === undefined ? h('p', { class: 'muted small' }, 'No output.')
          : h('pre', { class: 'code', 'data-test': 'step-output' }, JSON.stringify(out, null, 2)));
    })));
  }

  async function contextPanel() {
    const host = h('div', { class: 'monaco-host', 'data-test': 'context-view' });
    panel.append(h('p', { class: 'muted small' }, 'The execution\'s context as last checkpointed: params, variables, each step\'s output, files.'), host);
    let value;
    try {
      value = JSON.stringify(await ctx.api.get(`${path}/context`), null, 2);
    } catch (error) {
      replace(host, problemView(error));
      return;
    }
    try {
      const monaco = await loadMonaco();
      if (!host.isConnected) return;
      const editor = monaco.editor.create(host, { value, language: 'json', readOnly: true, automaticLayout: true,
        minimap: { enabled: false }, scrollBeyondLastLine: false, theme: darkTheme() ? 'vs-dark' : 'vs', fontSize: 12.5 });
      const follow = (e) => monaco.editor.setTheme(e.detail.theme === 'dark' ? 'vs-dark' : 'vs');
      window.addEventListener('caravan-theme', follow);
      disposeEditor = () => {
        window.removeEventListener('caravan-theme', follow);
        editor.dispose();
      };
    } catch (error) {
      replace(host, h('pre', { class: 'code' }, value)); // the editor could not load: the text still shows
    }
  }

  async function filesPanel() {
    let files = execution.result_urls || [];
    if (LIVE.has(execution.status) || !files.length) {
      try {
        files = (await ctx.api.get(`${path}/files`)).items;
      } catch (error) {
        panel.append(problemView(error));
        return;
      }
    }
    if (!files.length) {
      panel.append(h('p', { class: 'muted', 'data-test': 'files-empty' }, 'This execution has no files.'));
      return;
    }
    panel.append(h('table', { class: 'table' },
      h('thead', {}, h('tr', {}, h('th', {}, 'File'), h('th', {}, 'Type'), h('th', { class: 'num' }, 'Size'), h('th', { class: 'num' }, 'Rows'), h('th', {}, 'Created'))),
      h('tbody', {}, files.map((f) => h('tr', {},
        h('td', {}, h('a', { href: '#', 'data-test': 'file-link', onclick: async (e) => {
          e.preventDefault();
          try {
            saveBlob(await ctx.api.blob(f.url), f.filename);
          } catch (error) {
            ctx.toast(error, 'error');
          }
        } }, f.filename)),
        h('td', { class: 'muted' }, f.mime_type || '—'),
        h('td', { class: 'num' }, size(f.size)),
        h('td', { class: 'num' }, f.row_count ?? '—'),
        h('td', {}, fmtTime(f.created_at)))))));
  }

  async function logsPanel() {
    const view = h('div', { class: 'logs', 'data-test': 'log-view' });
    const follow = h('input', { type: 'checkbox', id: 'follow', 'data-test': 'log-follow', checked: LIVE.has(execution.status) });
    panel.append(h('div', { class: 'toolbar', style: 'margin-bottom:8px' }, h('label', { for: 'follow', class: 'row' }, follow, 'Follow'),
      h('span', { class: 'muted small', 'data-test': 'log-state' })), view);
    let after = 0;
    const line = (l) => {
      after = Math.max(after, l.id);
      view.append(h('div', { class: 'log-line', 'data-test': 'log-line' }, h('span', { class: 'when', title: l.at }, fmtTime(l.at)),
        h('span', { class: `lvl-${l.level}` }, l.level), h('span', { class: 'step' }, l.step || ''), h('span', {}, l.message)));
    };
    const stuck = () => view.scrollTop + view.clientHeight >= view.scrollHeight - 30;
    for (;;) { // every page of what is written so far
      let page;
      try {
        page = await ctx.api.get(`${path}/logs?after=${after}&limit=1000`);
      } catch (error) {
        view.append(problemView(error));
        return;
      }
      page.items.forEach(line);
      if (page.items.length < 1000) break;
    }
    if (!view.childElementCount) view.append(h('p', { class: 'muted', style: 'padding: 0 12px', 'data-test': 'log-empty' }, 'No log lines.'));
    let streaming = null;
    const start = () => {
      if (streaming) return;
      streaming = new AbortController();
      const signal = streaming.signal;
      abort.signal.addEventListener('abort', () => streaming && streaming.abort());
      panel.querySelector('[data-test=log-state]').textContent = 'following…';
      ctx.stream(`${path}/logs?follow=true&after=${after}`, (event) => {
        if (event.event !== 'log') return;
        const pinned = stuck();
        view.querySelector('[data-test=log-empty]')?.remove();
        line(event.data);
        if (pinned) view.scrollTop = view.scrollHeight;
      }, signal).then(() => {
        if (!signal.aborted) {
          panel.querySelector('[data-test=log-state]').textContent = 'the execution has ended';
          follow.checked = false;
        }
        streaming = null;
      }, (error) => {
        streaming = null;
        ctx.toast(error, 'error');
      });
    };
    const stop = () => {
      if (streaming) streaming.abort();
      streaming = null;
      const state = panel.querySelector('[data-test=log-state]');
      if (state) state.textContent = '';
    };
    follow.addEventListener('change', () => (follow.checked ? start() : stop()));
    stopLogs = stop;
    if (follow.checked) start();
    view.scrollTop = view.scrollHeight;
  }

  // ---- header, details and the timeline, redrawn on every change

  function draw() {
    replace(crumbs, h('a', { href: '#/executions' }, 'Executions'), ' / ',
      h('a', { href: `#/jobs/${encodeURIComponent(execution.job_id)}` }, execution.job_id), ' / ', shortId(id));
    replace(status, statusBadge(execution.status));
    cancel.disabled = !LIVE.has(execution.status);
    cancel.title = cancel.disabled ? 'Only a queued or running execution can be cancelled' : 'Cancel this execution';
    retry.disabled = LIVE.has(execution.status) || execution.status === 'SUCCESS';
    retry.title = retry.disabled ? 'A failed, cancelled or timed-out execution can be retried' : 'Run it again from the failed step';
    const wait = between(execution.created_at, execution.started_at || (LIVE.has(execution.status) ? null : execution.completed_at));
    replace(facts,
      h('dt', {}, 'Job'), h('dd', {}, h('a', { href: `#/jobs/${encodeURIComponent(execution.job_id)}` }, execution.job_id),
        execution.job_version ? h('span', { class: 'muted' }, ` v${execution.job_version}`) : null),
      h('dt', {}, 'Trigger'), h('dd', {}, (execution.trigger && execution.trigger.type) || '—'),
      h('dt', {}, 'Priority'), h('dd', {}, execution.priority),
      h('dt', {}, 'Created'), h('dd', { title: execution.created_at }, fmtTime(execution.created_at)),
      h('dt', {}, 'Queued for'), h('dd', {}, fmtDuration(wait)),
      h('dt', {}, 'Ran for'), h('dd', { 'data-test': 'execution-duration' }, execution.started_at ? fmtDuration(between(execution.started_at, execution.completed_at)) : '—'),
      h('dt', {}, 'Progress'), h('dd', {}, `${execution.progress ?? 0} %`, execution.current_step ? h('span', { class: 'muted' }, ` · ${execution.current_step}`) : null),
      h('dt', {}, 'Params'), h('dd', {}, Object.keys(execution.params || {}).length
        ? h('pre', { class: 'code small', 'data-test': 'execution-params' }, JSON.stringify(execution.params, null, 2)) : h('span', { class: 'muted' }, 'none')),
      h('dt', {}, 'Id'), h('dd', { class: 'mono small' }, execution.id));
    drawTimeline();
    replace(errors, (execution.errors || []).length ? h('div', { class: 'problem', 'data-test': 'execution-errors' },
      h('strong', {}, 'Errors'), h('ul', {}, execution.errors.map((e) => h('li', {}, e.step ? h('code', {}, e.step) : 'execution', ': ',
        e.type ? h('span', { class: 'muted' }, `${e.type} — `) : null, e.message)))) : null);
  }

  function drawTimeline() {
    const start = new Date(execution.created_at).getTime();
    const endIso = LIVE.has(execution.status) ? null : execution.completed_at;
    const end = Math.max(endIso ? new Date(endIso).getTime() : Date.now(), start + 1);
    const span = end - start;
    const pos = (iso) => ((iso ? new Date(iso).getTime() : end) - start) / span * 100;
    const bar = (from, to, kind, label, test = 'timeline-bar') => h('div', { class: ['timeline-bar', kind], 'data-test': test, title: label,
      style: { left: `${Math.max(0, pos(from))}%`, width: `${Math.max(0.4, pos(to) - pos(from))}%` } });
    const row = (name, barEl, duration, attrs = {}) => h('div', { class: 'timeline-row', ...attrs },
      h('span', { class: 'name', title: name }, name), h('div', { class: 'timeline-track' }, barEl), h('span', { class: 'dur' }, duration));
    const queued = execution.started_at || (LIVE.has(execution.status) ? null : execution.completed_at);
    const rows = [row('queue', bar(execution.created_at, queued, 'wait', 'waiting in the queue', 'timeline-queue'),
      fmtDuration(between(execution.created_at, queued)))];
    for (const s of execution.steps || []) {
      const to = s.completed_at || (LIVE.has(execution.status) ? null : execution.completed_at);
      rows.push(row(s.id, bar(s.started_at, to, BAR[s.status] || 'off', `${s.id}: ${s.status}, ${s.attempts} attempt(s)`),
        `${fmtDuration(between(s.started_at, to))}${s.attempts > 1 ? ` ×${s.attempts}` : ''}`, { 'data-step': s.id, 'data-status': s.status }));
    }
    replace(timeline, rows,
      h('div', { class: 'timeline-axis' }, h('span'), h('div', { class: 'ticks' }, [0, 0.25, 0.5, 0.75, 1].map((f) => h('span', {}, `+${fmtDuration(span * f)}`))), h('span')),
      h('div', { class: 'legend' }, [['wait', 'queued'], ['ok', 'succeeded'], ['bad', 'failed'], ['run', 'running'], ['off', 'skipped / cancelled']]
        .map(([k, l]) => h('span', {}, h('i', { class: ['timeline-bar', k], style: 'position:static' }), l))));
  }

  // ---- actions

  async function onCancel() {
    if (!(await confirm('Cancel this execution?', 'A queued execution is cancelled at once; a running one stops at its next step boundary.', 'Cancel execution'))) return;
    try {
      const r = await ctx.api.post(`${path}/cancel`);
      ctx.toast(r.status === 'CANCELLED' ? 'Cancelled' : 'Cancellation requested', 'success');
      await refresh();
    } catch (error) {
      ctx.toast(error, 'error');
    }
  }

  async function onRetry() {
    try {
      await ctx.api.post(`${path}/retry`);
      ctx.toast('Queued again', 'success');
      await refresh();
      watch();
    } catch (error) {
      ctx.toast(error, 'error');
    }
  }

  async function loadContext() {
    // the first checkpoint is written when a step ends: asking before would only earn a 404
    if (execution.status === 'QUEUED' || (execution.status === 'RUNNING' && !(execution.progress > 0))) {
      context = null;
      return;
    }
    try {
      context = await ctx.api.get(`${path}/context`);
    } catch (error) {
      context = null; // before the first checkpoint there is none
    }
  }

  let refreshing = null;
  async function refresh() {
    if (refreshing) return refreshing;
    refreshing = (async () => {
      try {
        const before = execution.status;
        execution = await ctx.api.get(path);
        await loadContext();
        draw();
        if (current === 'steps' || (current === 'files' && before !== execution.status)) show(current);
      } finally {
        refreshing = null;
      }
    })();
    return refreshing;
  }

  // while it runs: status events for its job, and a tick that keeps the running bars growing
  let watching = false;
  function watch() {
    if (watching || !LIVE.has(execution.status)) return;
    watching = true;
    const tick = setInterval(() => {
      if (LIVE.has(execution.status)) drawTimeline();
    }, 1000);
    const poll = setInterval(() => { if (LIVE.has(execution.status)) refresh(); }, 5000); // in case an event is missed
    const events = new AbortController();
    const stop = () => {
      watching = false;
      clearInterval(tick);
      clearInterval(poll);
      events.abort();
    };
    abort.signal.addEventListener('abort', stop);
    ctx.stream(`/events?job=${encodeURIComponent(execution.job_id)}`, async (event) => {
      if (event.event === 'status' && event.data && event.data.id === id) {
        await refresh();
        if (!LIVE.has(execution.status)) stop();
      }
    }, events.signal).catch(() => {}).finally(() => { if (watching && !abort.signal.aborted) stop(); });
    refresh(); // what changed between the first load and the stream's start
  }

  await loadContext();
  draw();
  show(current);
  watch();
}

function darkTheme() {
  return document.documentElement.dataset.theme === 'dark';
}

function size(bytes) {
  if (bytes === null || bytes === undefined) return '—';
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
