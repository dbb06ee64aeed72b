// #/jobs — the catalogue: search, tag and state filters, enable/disable, last run, next fire,
// and the last week's success rate of each job shown.
import { h, replace, statusBadge, fmtRelative, fmtTime, pageHeader, problemView, debounce } from '../ui.js';

export async function render(root, params, ctx) {
  const query = params.query;
  const state = { q: query.get('q') || '', tag: query.get('tag') || '', status: query.get('status') || '', page: Number(query.get('page') || 1) };
  const knownTags = new Set(state.tag ? [state.tag] : []);

  const search = h('input', { type: 'search', placeholder: 'Search jobs (/)', value: state.q, 'data-test': 'job-search',
    'aria-label': 'Search jobs', oninput: debounce(() => {
      state.q = search.value.trim();
      state.page = 1;
      reload();
    }) });
  const status = h('select', { 'data-test': 'job-status-filter', 'aria-label': 'State', onchange: () => {
    state.status = status.value;
    state.page = 1;
    reload();
  } }, [['', 'All states'], ['enabled', 'Enabled'], ['disabled', 'Disabled'], ['template', 'Templates']]
    .map(([v, l]) => h('option', { value: v, selected: v === state.status }, l)));
  const tagBar = h('div', { class: 'tags', 'data-test': 'job-tag-filter' });
  const body = h('div', { class: 'card flush' });
  const pager = h('div', { class: 'toolbar' });

  root.append(
    pageHeader('Jobs', h('a', { class: 'button primary', href: '#/jobs/new', 'data-test': 'new-job', title: 'New job' }, '+ New job')),
    h('div', { class: 'toolbar' }, search, status, h('span', { class: 'muted small' }, 'Tags:'), tagBar),
    body, pager);

  function drawTags() {
    replace(tagBar, [...knownTags].sort().map((t) => h('span', { class: ['tag', t === state.tag && 'active'], role: 'button',
      tabindex: 0, 'data-test': 'tag', 'data-tag': t, onclick: () => {
        state.tag = state.tag === t ? '' : t;
        state.page = 1;
        reload();
      }, onkeydown: (e) => { if (e.key === 'Enter') e.target.click(); } }, t)));
  }

  function keepInHash() {
    const p = new URLSearchParams();
    for (const k of ['q', 'tag', 'status']) if (state[k]) p.set(k, state[k]);
    if (state.page > 1) p.set('page', state.page);
    const hash = `#/jobs${p.toString() ? `?${p}` : ''}`;
    if (location.hash !== hash) history.replaceState(null, '', hash);
  }

  let generation = 0;
  async function reload() {
    const mine = ++generation;
    keepInHash();
    const p = new URLSearchParams();
    for (const k of ['q', 'tag', 'status']) if (state[k]) p.set(k, state[k]);
    p.set('page', state.page);
    let list;
    try {
      list = await ctx.api.get(`/jobs?${p}`);
    } catch (error) {
      if (mine === generation) replace(body, problemView(error));
      return;
    }
    if (mine !== generation) return;
    list.items.forEach((job) => (job.tags || []).forEach((t) => knownTags.add(t)));
    drawTags();
    if (list.items.length === 0) {
      replace(body, h('div', { class: 'empty', 'data-test': 'jobs-empty' },
        state.q || state.tag || state.status ? 'No job matches these filters.' : 'No jobs yet. ',
        state.q || state.tag || state.status ? null : h('a', { href: '#/jobs/new' }, 'Create the first one')));
    } else {
      const hasNamespace = list.items.some((j) => j.namespace && j.namespace !== 'default');
      replace(body, h('table', { class: 'table' },
        h('thead', {}, h('tr', {}, h('th', {}, 'On'), h('th', {}, 'Job'), hasNamespace ? h('th', {}, 'Namespace') : null,
          h('th', {}, 'Tags'), h('th', {}, 'Last run'), h('th', {}, 'Next run'), h('th', { class: 'num' }, 'Success (7 d)'),
          h('th', { class: 'num' }, 'Version'))),
        h('tbody', {}, list.items.map((job) => row(job, hasNamespace)))));
    }
    replace(pager, state.page > 1 ? h('button', { onclick: () => { state.page -= 1; reload(); } }, '← Previous') : null,
      h('span', { class: 'muted small' }, `Page ${state.page}`),
      list.items.length >= list.size ? h('button', { 'data-test': 'next-page', onclick: () => { state.page += 1; reload(); } }, 'Next →') : null);
  }

  function row(job, hasNamespace) {
    const rate = h('td', { class: 'num muted', 'data-test': 'job-success-rate' }, '…');
    ctx.api.get(`/jobs/${encodeURIComponent(job.key || job.id)}/stats`).then((s) => {
      replace(rate, s.success_rate === null ? '—' : `${Math.round(s.success_rate * 100)} %`);
      rate.title = `${s.runs} run(s) since ${fmtTime(s.since)}`;
    }, () => replace(rate, '—'));
    const last = job.last_execution;
    return h('tr', { 'data-test': 'job-row', 'data-job': job.key || job.id, class: job.enabled ? null : 'disabled' },
      h('td', {}, toggle(job)),
      h('td', {}, h('a', { href: `#/jobs/${encodeURIComponent(job.key || job.id)}`, 'data-test': 'job-link' }, h('strong', {}, job.name || job.id)),
        job.name && job.name !== job.id ? h('div', { class: 'muted small mono' }, job.id) : null,
        job.template ? h('span', { class: 'badge off', title: 'A template: instantiate it to run' }, 'template') : null),
      hasNamespace ? h('td', { class: 'ns', 'data-test': 'job-namespace' }, job.namespace || '') : null,
      h('td', {}, h('div', { class: 'tags' }, (job.tags || []).map((t) => h('span', { class: 'tag', onclick: () => {
        state.tag = t;
        state.page = 1;
        reload();
      } }, t)))),
      h('td', { 'data-test': 'job-last-status' }, last
        ? h('a', { href: `#/executions/${last.id}`, title: fmtTime(last.created_at) }, statusBadge(last.status), ' ',
          h('span', { class: 'muted small' }, fmtRelative(last.created_at)))
        : h('span', { class: 'muted' }, 'never')),
      h('td', { 'data-test': 'job-next-fire', title: job.next_fire_at ? fmtTime(job.next_fire_at) : '' },
        job.next_fire_at ? fmtRelative(job.next_fire_at) : h('span', { class: 'muted' }, '—')),
      rate,
      h('td', { class: 'num muted' }, `v${job.version}`));
  }

  function toggle(job) {
    const input = h('input', { type: 'checkbox', checked: job.enabled, 'data-test': 'job-enabled', disabled: job.template,
      'aria-label': `${job.enabled ? 'Disable' : 'Enable'} ${job.id}`, onchange: async () => {
        input.disabled = true;
        try {
          const saved = await ctx.api.patch(`/jobs/${encodeURIComponent(job.key || job.id)}`, { enabled: input.checked });
          job.enabled = saved.enabled;
          ctx.toast(`${job.id} ${saved.enabled ? 'enabled' : 'disabled'} (v${saved.version})`, 'success');
          reload();
        } catch (error) {
          input.checked = job.enabled;
          ctx.toast(error, 'error');
        } finally {
          input.disabled = false;
        }
      } });
    return h('label', { class: 'switch', title: job.enabled ? 'Enabled: click to disable' : 'Disabled: click to enable' }, input, h('span'));
  }

  drawTags();
  await reload();
}
