// #/connections — the named systems jobs talk to (databases, SFTP, SSH, S3, HTTP APIs, WinRM):
// create, edit, test for real, delete. Secret fields are write-only: the API lists their names only.
import { h, replace, fmtTime, pageHeader, problemView, confirm, dialog, keyOf } from '../ui.js';

const MULTILINE = new Set(['knownHosts', 'ca', 'privateKey', 'headers']);
const NUMBERS = new Set(['port']);
const BOOLEANS = new Set(['https']);
const HINTS = {
  url: 'jdbc:postgresql://host:5432/db', knownHosts: 'lines of a known_hosts file', ca: 'PEM certificates to trust',
  headers: 'JSON object of headers sent with every call', base_url: 'https://api.example.com', privateKey: 'PEM private key',
};

export async function render(root, params, ctx) {
  // the settings of each type as the server checks them: required, optional, secret
  const kinds = (await ctx.settings()).connection_kinds || {};
  const body = h('div', { class: 'card flush' });
  root.append(pageHeader('Connections', h('button', { class: 'primary', 'data-test': 'connection-new', onclick: () => edit(null) }, '+ New connection')),
    h('p', { class: 'muted', style: 'margin:0' }, 'Steps name a connection instead of holding addresses and credentials. The embedded database is always there as ', h('code', {}, 'local'), '.'),
    body);

  async function reload() {
    let list;
    try {
      list = await ctx.api.get('/connections');
    } catch (error) {
      replace(body, problemView(error));
      return;
    }
    if (!list.items.length) {
      replace(body, h('div', { class: 'empty', 'data-test': 'connections-empty' }, 'No connections yet.'));
      return;
    }
    replace(body, h('table', { class: 'table' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Name'), h('th', {}, 'Type'), h('th', {}, 'Settings'), h('th', {}, 'Secrets'), h('th', {}, 'Updated'), h('th', {}, ''))),
      h('tbody', {}, list.items.map((c) => {
        const result = h('span', { class: 'small', 'data-test': 'connection-test-result' });
        return h('tr', { 'data-test': 'connection-row', 'data-connection': c.name },
          h('td', {}, h('strong', {}, keyOf(c))),
          h('td', {}, h('span', { class: 'badge off' }, c.type)),
          h('td', { class: 'mono small' }, Object.entries(c.config || {}).filter(([k]) => !MULTILINE.has(k))
            .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : v}`).join('  ')),
          h('td', { class: 'small' }, (c.secrets || []).length ? c.secrets.map((s) => h('span', { class: 'tag', title: 'set (write-only)' }, `${s} ••••`)) : h('span', { class: 'muted' }, 'none')),
          h('td', { title: c.updated_at }, fmtTime(c.updated_at)),
          h('td', { class: 'num' }, h('div', { class: 'row', style: 'justify-content:flex-end;gap:6px' }, result,
            h('button', { class: 'small', 'data-test': 'connection-test', onclick: () => test(c, result) }, 'Test'),
            h('button', { class: 'small', 'data-test': 'connection-edit', onclick: () => edit(c) }, 'Edit'),
            h('button', { class: 'small danger', 'data-test': 'connection-delete', onclick: () => remove(c) }, 'Delete'))));
      }))));
  }

  async function test(c, result) {
    replace(result, h('span', { class: 'muted' }, 'testing…'));
    try {
      const r = await ctx.api.post(`/connections/${encodeURIComponent(keyOf(c))}/test`);
      replace(result, h('span', { class: ['badge', r.ok ? 'ok' : 'bad'], title: r.detail || r.error || '' }, r.ok ? `OK ${r.millis} ms` : 'FAILED'));
      ctx.toast(r.ok ? `${c.name}: ${r.detail || 'reachable'}` : `${c.name}: ${r.error}`, r.ok ? 'success' : 'error');
    } catch (error) {
      replace(result, h('span', { class: 'badge bad' }, 'ERROR'));
      ctx.toast(error, 'error');
    }
  }

  async function remove(c) {
    if (!(await confirm(`Delete ${c.name}?`, 'Jobs that use it must be changed first; the server refuses otherwise.'))) return;
    try {
      await ctx.api.del(`/connections/${encodeURIComponent(keyOf(c))}`);
      ctx.toast(`${c.name} deleted`, 'success');
      reload();
    } catch (error) {
      ctx.toast(error, 'error');
    }
  }

  async function edit(existing) {
    const form = connectionForm(existing, kinds);
    for (;;) {
      const value = await dialog(existing ? `Edit ${keyOf(existing)}` : 'New connection', [form.el],
        [{ label: existing ? 'Save' : 'Create', value: () => form.value(), kind: 'primary', test: 'connection-save' }]);
      if (value === null) return;
      try {
        if (existing) await ctx.api.put(`/connections/${encodeURIComponent(keyOf(existing))}`, value);
        else await ctx.api.post('/connections', value);
        ctx.toast(`${value.name} saved`, 'success');
        reload();
        return;
      } catch (error) {
        form.problem(error); // the dialog opens again with what was typed and the server's objections
      }
    }
  }

  await reload();
}

/** The form of a connection: its type's fields, secrets as password fields that start empty. */
function connectionForm(existing, kinds) {
  const name = h('input', { name: 'name', 'data-test': 'connection-name', value: existing ? existing.name : '', disabled: Boolean(existing), required: true });
  const namespace = h('input', { name: 'namespace', 'data-test': 'connection-namespace', placeholder: 'default',
    value: existing && existing.namespace !== 'default' ? existing.namespace : '', disabled: Boolean(existing) });
  const type = h('select', { name: 'type', 'data-test': 'connection-type', disabled: Boolean(existing), onchange: () => fields() },
    Object.keys(kinds).map((k) => h('option', { value: k, selected: existing ? existing.type === k : k === 'jdbc' }, k)));
  const box = h('div', { class: 'dialog-body' });
  const errors = h('div');
  const inputs = {};
  const el = h('form', { class: 'connection-form', onsubmit: (e) => e.preventDefault() }, errors,
    h('div', { class: 'grid-2' }, field('Name', name), field('Type', type)),
    h('div', { class: 'grid-2' }, field('Namespace', namespace)), box);

  function fields() {
    const kind = kinds[type.value];
    const config = (existing && existing.config) || {};
    for (const key of Object.keys(inputs)) delete inputs[key];
    const input = (key, secret) => {
      const v = config[key];
      if (BOOLEANS.has(key)) return h('input', { type: 'checkbox', 'data-test': `connection-${key}`, checked: v === true });
      if (MULTILINE.has(key)) return h('textarea', { 'data-test': `connection-${key}`, rows: 3, placeholder: HINTS[key] || '',
        value: secret || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v, null, 2) : String(v) });
      return h('input', { type: secret ? 'password' : NUMBERS.has(key) ? 'number' : 'text', autocomplete: secret ? 'new-password' : 'off',
        'data-test': `connection-${key}`, placeholder: secret && existing && (existing.secrets || []).includes(key) ? '•••• (stored; leave empty to keep)' : HINTS[key] || '',
        value: secret || v === undefined ? '' : String(v) });
    };
    replace(box,
      kind.required.map((k) => field(`${k} *`, (inputs[k] = input(k, false)))),
      kind.optional.map((k) => field(k, (inputs[k] = input(k, false)))),
      h('h3', { style: 'margin:6px 0 0' }, 'Secrets'),
      h('p', { class: 'muted small' }, existing
        ? 'Write-only. Leave them all empty to keep the stored ones; filling any replaces the stored set with what you fill.'
        : 'Write-only: stored sealed, never shown again.'),
      kind.secrets.map((k) => field(k, (inputs[`secret:${k}`] = input(k, true)))));
  }
  fields();

  return {
    el,
    value() {
      const config = {};
      const secrets = {};
      for (const [key, input] of Object.entries(inputs)) {
        const raw = input.type === 'checkbox' ? input.checked : input.value;
        if (key.startsWith('secret:')) {
          if (raw) secrets[key.slice(7)] = raw;
        } else if (BOOLEANS.has(key)) {
          if (raw) config[key] = true;
        } else if (raw !== '') {
          config[key] = NUMBERS.has(key) ? Number(raw) : key === 'headers' ? parseJson(raw) : raw;
        }
      }
      const out = { name: name.value.trim(), type: type.value, config };
      if (namespace.value.trim()) out.namespace = namespace.value.trim();
      if (!existing || Object.keys(secrets).length) out.secrets = secrets;
      return out;
    },
    problem(error) {
      replace(errors, problemView(error));
    },
  };
}

function parseJson(text) {
  try {
    return JSON.parse(text);
  } catch (e) {
    return text; // the server says what is wrong with it
  }
}

function field(label, input) {
  return h('label', { class: 'field' }, label, input);
}
