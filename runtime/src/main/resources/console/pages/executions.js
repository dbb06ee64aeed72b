// #/executions — every execution, newest first, filtered by job and status; kept current by the
// server's status events (GET /events, read over fetch so the token goes with it).
import { h, replace, pageHeader, problemView, debounce } from '../ui.js';
import { recent } from './job.js';

const STATUSES = ['QUEUED', 'RUNNING', 'SUCCESS', 'FAILED', 'PARTIAL_SUCCESS', 'CANCELLED', 'TIMED_OUT'];

export async function render(root, params, ctx) {
  const state = { job: params.query.get('job') || '', status: params.query.get('status') || '', page: Number(params.query.get('page') || 1) };
  const jobs = h('select', { 'data-test': 'execution-filter-job', 'aria-label': 'Job', onchange: () => set('job', jobs.value) },
    h('option', { value: '' }, 'All jobs'), state.job ? h('option', { value: state.job, selected: true }, state.job) : null);
  const status = h('select', { 'data-test': 'execution-filter-status', 'aria-label': 'Status', onchange: () => set('status', status.value) },
    h('option', { value: '' }, 'Any status'), STATUSES.map((s) => h('option', { value: s, selected: s === state.status }, s)));
  const live = h('span', { class: 'muted small', 'data-test': 'live-state' }, 'connecting…');
  const body = h('div', { class: 'card flush', 'data-test': 'executions' });
  const pager = h('div', { class: 'toolbar' });
  root.append(pageHeader('Executions'), h('div', { class: 'toolbar' }, jobs, status, h('div', { class: 'spacer' }), live), body, pager);

  ctx.api.get('/jobs').then((list) => {
    for (const job of list.items) {
      if ((job.key || job.id) !== state.job) jobs.append(h('option', { value: job.key || job.id }, job.key || job.id));
    }
  }, () => {});

  function set(key, value) {
    state[key] = value;
    state.page = 1;
    const p = new URLSearchParams();
    if (state.job) p.set('job', state.job);
    if (state.status) p.set('status', state.status);
    history.replaceState(null, '', `#/executions${p.toString() ? `?${p}` : ''}`);
    reload();
  }

  let generation = 0;
  async function reload() {
    const mine = ++generation;
    const p = new URLSearchParams();
    if (state.job) p.set('job', state.job);
    if (state.status) p.set('status', state.status);
    p.set('page', state.page);
    try {
      const list = await ctx.api.get(`/executions?${p}`);
      if (mine !== generation) return;
      replace(body, recent(list.items, !state.job));
      replace(pager, state.page > 1 ? h('button', { onclick: () => { state.page -= 1; reload(); } }, '← Newer') : null,
        h('span', { class: 'muted small' }, `Page ${state.page}`),
        list.items.length >= list.size ? h('button', { onclick: () => { state.page += 1; reload(); } }, 'Older →') : null);
    } catch (error) {
      if (mine === generation) replace(body, problemView(error));
    }
  }

  // live: a status change of a shown execution (or a new one on the first page) reloads the page
  const refresh = debounce(reload, 300);
  const abort = new AbortController();
  ctx.onLeave(() => abort.abort());
  const listen = async () => {
    while (!abort.signal.aborted) {
      try {
        await ctx.stream('/events', (event) => {
          if (event.event !== 'status' || typeof event.data !== 'object') return;
          if (state.job && event.data.job_id !== state.job) return;
          if (state.page === 1 || body.querySelector(`[data-execution="${event.data.id}"]`)) refresh();
        }, abort.signal);
      } catch (error) {
        if (abort.signal.aborted) return;
        replace(live, 'live updates paused');
      }
      if (abort.signal.aborted) return;
      await new Promise((r) => setTimeout(r, 3000)); // the stream ended or failed: listen again shortly
    }
  };
  replace(live, h('span', { class: 'badge run' }, 'live'));
  listen();
  await reload();
}
