// #/secrets — named secret values for jobs ({{ secrets.name }}): set, replace, delete. Values are
// write-only: the API never returns one, and this page never shows one.
import { h, replace, fmtTime, pageHeader, problemView, confirm, dialog, keyOf } from '../ui.js';

export async function render(root, params, ctx) {
  const body = h('div', { class: 'card flush' });
  root.append(pageHeader('Secrets', h('button', { class: 'primary', 'data-test': 'secret-new', onclick: () => set(null) }, '+ New secret')),
    h('p', { class: 'muted', style: 'margin:0' }, 'Jobs read them as ', h('code', {}, '{{ secrets.name }}'),
      '. Values are stored sealed and can be replaced, never read back.'),
    body);

  async function reload() {
    let list;
    try {
      list = await ctx.api.get('/secrets');
    } catch (error) {
      replace(body, problemView(error));
      return;
    }
    if (!list.items.length) {
      replace(body, h('div', { class: 'empty', 'data-test': 'secrets-empty' }, 'No secrets yet.'));
      return;
    }
    replace(body, h('table', { class: 'table' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Name'), h('th', {}, 'Value'), h('th', {}, 'Key'), h('th', {}, 'Created'), h('th', {}, 'Updated'), h('th', {}, ''))),
      h('tbody', {}, list.items.map((s) => h('tr', { 'data-test': 'secret-row', 'data-secret': s.name },
        h('td', {}, h('strong', { class: 'mono' }, keyOf(s))),
        h('td', { class: 'muted', title: 'write-only' }, '••••••••'),
        h('td', { class: 'mono small muted' }, s.key_id || '—'),
        h('td', { title: s.created_at }, fmtTime(s.created_at)),
        h('td', { title: s.updated_at }, fmtTime(s.updated_at)),
        h('td', { class: 'num' }, h('div', { class: 'row', style: 'justify-content:flex-end;gap:6px' },
          h('button', { class: 'small', 'data-test': 'secret-replace', onclick: () => set(keyOf(s)) }, 'Replace'),
          h('button', { class: 'small danger', 'data-test': 'secret-delete', onclick: () => remove(keyOf(s)) }, 'Delete'))))))));
  }

  async function set(existing) {
    const name = h('input', { 'data-test': 'secret-name', value: existing || '', disabled: Boolean(existing), autocomplete: 'off',
      placeholder: 'e.g. partner_api_token' });
    const value = h('textarea', { 'data-test': 'secret-value', rows: 3, autocomplete: 'off', spellcheck: 'false',
      placeholder: existing ? 'the new value' : 'the value' });
    const errors = h('div');
    for (;;) {
      const ok = await dialog(existing ? `Replace ${existing}` : 'New secret', [errors,
        h('label', { class: 'field' }, 'Name', name, h('span', { class: 'hint' }, 'In a namespace: <namespace>.<name>, e.g. finance.api_token')),
        h('label', { class: 'field' }, 'Value', value, h('span', { class: 'hint' }, 'Write-only: it cannot be shown again.'))],
      [{ label: existing ? 'Replace' : 'Save', value: true, kind: 'primary', test: 'secret-save' }]);
      if (!ok) return;
      const target = existing || name.value.trim();
      try {
        await ctx.api.put(`/secrets/${encodeURIComponent(target)}`, { value: value.value });
        ctx.toast(`${target} ${existing ? 'replaced' : 'saved'}`, 'success');
        reload();
        return;
      } catch (error) {
        replace(errors, problemView(error));
      }
    }
  }

  async function remove(name) {
    if (!(await confirm(`Delete ${name}?`, 'Jobs that read it fail from their next run on.'))) return;
    try {
      await ctx.api.del(`/secrets/${encodeURIComponent(name)}`);
      ctx.toast(`${name} deleted`, 'success');
      reload();
    } catch (error) {
      ctx.toast(error, 'error');
    }
  }

  await reload();
}
