// #/jobs/:id — a job at a glance: what it does, its triggers, its last runs and the week's numbers.
import { h, statusBadge, fmtTime, fmtRelative, fmtDuration, between, pageHeader, confirm, shortId } from '../ui.js';

export async function render(root, params, ctx) {
  const id = params.id;
  const path = `/jobs/${encodeURIComponent(id)}`;
  const [job, stats, runs] = await Promise.all([
    ctx.api.get(path),
    ctx.api.get(`${path}/stats`).catch(() => null),
    ctx.api.get(`/executions?job=${encodeURIComponent(id)}`).catch(() => ({ items: [] })),
  ]);
  const def = job.definition || {};
  const link = (suffix, label, test, kind) => h('a', { class: ['button', kind], href: `#/jobs/${encodeURIComponent(id)}${suffix}`, 'data-test': test }, label);

  root.append(
    h('div', { class: 'crumbs' }, h('a', { href: '#/jobs' }, 'Jobs'), ' / ', id),
    pageHeader(job.name || id,
      link('/versions', 'Versions', 'job-versions'), link('/route', 'Route', 'job-route'),
      link('/edit', 'Edit', 'job-edit'),
      h('button', { class: 'danger', 'data-test': 'job-delete', onclick: async () => {
        if (!(await confirm(`Delete ${id}?`, 'The job, its schedules and its webhooks go; past executions stay until housekeeping removes them.'))) return;
        try {
          await ctx.api.del(path);
          ctx.toast(`${id} deleted`, 'success');
          ctx.navigate('#/jobs');
        } catch (error) {
          ctx.toast(error, 'error');
        }
      } }, 'Delete'),
      link('/run', '▶ Run', 'job-run', 'primary')),
    h('div', { class: 'grid-2', 'data-test': 'job-overview' },
      h('div', { class: 'card' }, h('h2', {}, 'Definition'),
        h('dl', { class: 'facts' },
          h('dt', {}, 'Id'), h('dd', { class: 'mono' }, id),
          job.namespace ? [h('dt', {}, 'Namespace'), h('dd', { 'data-test': 'job-namespace' }, job.namespace)] : null,
          h('dt', {}, 'State'), h('dd', {}, job.template ? 'template' : job.enabled ? 'enabled' : h('span', { class: 'badge off' }, 'disabled')),
          h('dt', {}, 'Version'), h('dd', {}, `v${job.version}, ${fmtTime(job.updated_at)}`),
          def.description ? [h('dt', {}, 'Description'), h('dd', {}, def.description)] : null,
          h('dt', {}, 'Tags'), h('dd', { class: 'tags' }, (job.tags || []).length
            ? job.tags.map((t) => h('a', { class: 'tag', href: `#/jobs?tag=${encodeURIComponent(t)}` }, t)) : '—'),
          h('dt', {}, 'Triggers'), h('dd', {}, triggers(def.triggers)),
          h('dt', {}, 'Parameters'), h('dd', {}, params_(def.params || def.parameters)),
          h('dt', {}, 'Steps'), h('dd', {}, h('ol', { class: 'steps-list' },
            (def.steps || []).map((s) => h('li', {}, h('code', {}, s.id), ' ', h('span', { class: 'muted' }, s.type))))))),
      h('div', { class: 'card' }, h('h2', {}, 'Last 7 days'), statsView(stats))),
    h('div', { class: 'card flush' },
      h('div', { class: 'toolbar', style: 'padding: 12px 16px' }, h('h2', { style: 'margin:0' }, 'Recent executions'), h('div', { class: 'spacer' }),
        h('a', { href: `#/executions?job=${encodeURIComponent(id)}` }, 'All executions →')),
      recent(runs.items.slice(0, 10))));
}

function triggers(list) {
  if (!list || list.length === 0) return h('span', { class: 'muted' }, 'manual only');
  return h('ul', { class: 'plain' }, list.map((t) => h('li', {}, h('strong', {}, t.type), ' ',
    h('span', { class: 'mono small' }, t.cron || t.expression || t.path || t.connection || ''))));
}

function params_(list) {
  if (!list || (Array.isArray(list) ? list.length === 0 : Object.keys(list).length === 0)) return h('span', { class: 'muted' }, 'none');
  const entries = Array.isArray(list) ? list.map((p) => [p.name, p]) : Object.entries(list);
  return h('div', { class: 'tags' }, entries.map(([name, p]) => h('span', { class: 'tag', title: (p && p.type) || '' }, name)));
}

function statsView(stats) {
  if (!stats) return h('p', { class: 'muted' }, 'No statistics.');
  const rate = stats.success_rate === null ? '—' : `${Math.round(stats.success_rate * 100)} %`;
  const d = stats.duration_seconds || {};
  const secs = (v) => (v === null || v === undefined ? '—' : fmtDuration(v * 1000));
  return h('div', { 'data-test': 'job-stats' },
    h('div', { class: 'grid-3' },
      h('div', { class: 'stat' }, h('span', { class: 'value' }, stats.runs), h('span', { class: 'label' }, 'Runs')),
      h('div', { class: 'stat' }, h('span', { class: 'value' }, rate), h('span', { class: 'label' }, 'Success')),
      h('div', { class: 'stat' }, h('span', { class: 'value' }, secs(d.p50)), h('span', { class: 'label' }, `Median, p95 ${secs(d.p95)}`))),
    h('dl', { class: 'facts', style: 'margin-top:14px' },
      h('dt', {}, 'By status'), h('dd', { class: 'tags' }, Object.entries(stats.by_status || {}).map(([s, n]) => [statusBadge(s), ` ${n} `])),
      h('dt', {}, 'Last success'), h('dd', {}, stats.last_success_at ? fmtRelative(stats.last_success_at) : '—'),
      h('dt', {}, 'Last failure'), h('dd', {}, stats.last_failure_at ? fmtRelative(stats.last_failure_at) : '—')),
    (stats.steps || []).length ? h('table', { class: 'table compact', style: 'margin-top:10px' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Step'), h('th', { class: 'num' }, 'Attempts'), h('th', { class: 'num' }, 'Failed'),
        h('th', { class: 'num' }, 'p50'), h('th', { class: 'num' }, 'p95'))),
      h('tbody', {}, stats.steps.map((s) => h('tr', {}, h('td', { class: 'mono' }, s.id), h('td', { class: 'num' }, s.attempts),
        h('td', { class: 'num' }, s.failed), h('td', { class: 'num' }, secs(s.duration_seconds && s.duration_seconds.p50)),
        h('td', { class: 'num' }, secs(s.duration_seconds && s.duration_seconds.p95)))))) : null);
}

/** The executions table shared with the executions page; withJob adds the job's column. */
export function recent(items, withJob = false) {
  if (!items.length) return h('div', { class: 'empty', 'data-test': 'executions-empty' }, 'No executions yet.');
  return h('table', { class: 'table' },
    h('thead', {}, h('tr', {}, h('th', {}, 'Status'), h('th', {}, 'Execution'), withJob ? h('th', {}, 'Job') : null, h('th', {}, 'Trigger'),
      h('th', {}, 'Created'), h('th', { class: 'num' }, 'Duration'))),
    h('tbody', {}, items.map((e) => h('tr', { class: 'clickable', 'data-test': 'execution-row', 'data-execution': e.id, 'data-status': e.status,
      onclick: (ev) => { if (!ev.target.closest('a')) location.hash = `#/executions/${e.id}`; } },
    h('td', {}, statusBadge(e.status)),
    h('td', {}, h('a', { href: `#/executions/${e.id}`, class: 'mono small', title: e.id }, shortId(e.id))),
    withJob ? h('td', {}, h('a', { href: `#/jobs/${encodeURIComponent(e.job_id)}` }, e.job_id), h('span', { class: 'muted small' }, ` v${e.job_version ?? '?'}`)) : null,
    h('td', {}, (e.trigger && e.trigger.type) || '—'),
    h('td', { title: e.created_at }, fmtTime(e.created_at)),
    h('td', { class: 'num' }, e.started_at ? fmtDuration(between(e.started_at, e.completed_at)) : '—')))));
}
