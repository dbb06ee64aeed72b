// #/jobs/:id/versions — every saved version of a job: who saved it and why, a side-by-side diff
// of any two (Monaco's diff editor), and rollback (which saves the old document as a new version).
import { h, replace, fmtTime, pageHeader, problemView, confirm } from '../ui.js';
import { loadMonaco } from '../editor/monaco.js';

export async function render(root, params, ctx) {
  const id = params.id;
  const path = `/jobs/${encodeURIComponent(id)}`;
  let list = await ctx.api.get(`${path}/versions`);
  const documents = new Map();
  const from = h('select', { 'data-test': 'diff-from', 'aria-label': 'Older version', onchange: () => diff() });
  const to = h('select', { 'data-test': 'diff-to', 'aria-label': 'Newer version', onchange: () => diff() });
  const table = h('div', { class: 'card flush' });
  const summary = h('span', { class: 'muted small', 'data-test': 'diff-summary' });
  const host = h('div', { class: 'monaco-host tall', 'data-test': 'versions-diff' });
  let editor = null;
  let monaco = null;
  const follow = (e) => monaco && monaco.editor.setTheme(e.detail.theme === 'dark' ? 'vs-dark' : 'vs');
  window.addEventListener('caravan-theme', follow);
  ctx.onLeave(() => {
    window.removeEventListener('caravan-theme', follow);
    if (editor) {
      const model = editor.getModel();
      editor.dispose();
      if (model) {
        model.original.dispose();
        model.modified.dispose();
      }
    }
  });

  root.append(
    h('div', { class: 'crumbs' }, h('a', { href: '#/jobs' }, 'Jobs'), ' / ', h('a', { href: `#${path}` }, id), ' / versions'),
    pageHeader(`Versions of ${id}`, h('a', { class: 'button', href: `#${path}/edit` }, 'Edit')),
    table,
    h('div', { class: 'card' },
      h('div', { class: 'toolbar', style: 'margin-bottom:10px' }, h('h2', { style: 'margin:0' }, 'Compare'),
        from, h('span', { class: 'muted' }, '→'), to, summary),
      host));

  function options(select, selected) {
    replace(select, list.items.map((v) => h('option', { value: v.version, selected: v.version === selected },
      `v${v.version}${v.version === list.current ? ' (current)' : ''}${(v.tags || []).length ? ` [${v.tags.join(', ')}]` : ''}`)));
  }

  function drawTable() {
    replace(table, h('table', { class: 'table' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Version'), h('th', {}, 'Saved'), h('th', {}, 'By'), h('th', {}, 'Message'), h('th', {}, 'Tags'), h('th', {}))),
      h('tbody', {}, list.items.map((v) => h('tr', { 'data-test': 'version-row', 'data-version': v.version },
        h('td', {}, h('strong', {}, `v${v.version}`), v.version === list.current ? h('span', { class: 'badge ok', style: 'margin-left:6px' }, 'current') : null),
        h('td', { title: v.created_at }, fmtTime(v.created_at)),
        h('td', {}, v.author || '—'),
        h('td', {}, v.message || h('span', { class: 'muted' }, '—')),
        h('td', { class: 'tags' }, (v.tags || []).map((t) => h('span', { class: 'tag' }, t))),
        h('td', { class: 'num' },
          h('button', { class: 'small', onclick: () => compare(v.version) }, 'Diff with current'), ' ',
          v.version === list.current ? null : h('button', { class: 'small', 'data-test': 'rollback', onclick: () => rollback(v.version) }, 'Roll back')))))));
  }

  function compare(version) {
    from.value = String(version);
    to.value = String(list.current);
    diff();
    host.scrollIntoView({ behavior: 'smooth', block: 'center' });
  }

  async function rollback(version) {
    if (!(await confirm(`Roll back ${id} to v${version}?`, `Version ${version}'s document is saved as a new version, v${list.current + 1}; nothing is lost.`, 'Roll back'))) return;
    try {
      const r = await ctx.api.post(`${path}/rollback?to=${version}`);
      ctx.toast(`Rolled back to v${r.rolled_back_to}: now v${r.current_version}`, 'success');
      list = await ctx.api.get(`${path}/versions`);
      drawTable();
      options(from, version);
      options(to, list.current);
      await diff();
    } catch (error) {
      ctx.toast(error, 'error');
    }
  }

  async function documentOf(version) {
    if (!documents.has(version)) {
      documents.set(version, ctx.api.get(`${path}/versions/${version}`).then((v) => JSON.stringify(v.definition, null, 2)));
    }
    return documents.get(version);
  }

  let generation = 0;
  async function diff() {
    const mine = ++generation;
    const a = Number(from.value);
    const b = Number(to.value);
    let left;
    let right;
    let changes;
    try {
      [left, right, changes] = await Promise.all([documentOf(a), documentOf(b),
        ctx.api.get(`${path}/diff?from=${a}&to=${b}`).then((d) => d.changes.length)]);
    } catch (error) {
      replace(host, problemView(error));
      return;
    }
    if (mine !== generation) return;
    summary.textContent = a === b ? 'the same version' : `${changes} change${changes === 1 ? '' : 's'} (JSON Patch operations)`;
    try {
      monaco = monaco || await loadMonaco();
    } catch (error) {
      replace(host, h('div', { class: 'grid-2' }, h('pre', { class: 'code' }, left), h('pre', { class: 'code' }, right)));
      return;
    }
    if (mine !== generation || !host.isConnected) return;
    const original = monaco.editor.createModel(left, 'json');
    const modified = monaco.editor.createModel(right, 'json');
    if (!editor) {
      editor = monaco.editor.createDiffEditor(host, { readOnly: true, automaticLayout: true, renderSideBySide: true,
        minimap: { enabled: false }, scrollBeyondLastLine: false, fontSize: 12.5,
        theme: document.documentElement.dataset.theme === 'dark' ? 'vs-dark' : 'vs' });
    }
    const old = editor.getModel();
    editor.setModel({ original, modified });
    if (old) {
      old.original.dispose();
      old.modified.dispose();
    }
  }

  drawTable();
  const previous = list.items.find((v) => v.version < list.current);
  options(from, previous ? previous.version : list.current);
  options(to, list.current);
  await diff();
}
