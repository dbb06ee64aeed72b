// Small DOM helpers every page uses. No framework: h() builds elements, the pages rebuild what changed.

/**
 * An element: h('button', {class: 'primary', onclick: fn, 'data-test': 'save'}, 'Save').
 * attrs: class (string or array), on<event> handlers, style (object or string), a boolean true
 * sets an attribute, false/null leaves it out; children: strings, nodes, arrays, null.
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2).toLowerCase(), value);
    } else if (key === 'class') {
      el.className = Array.isArray(value) ? value.filter(Boolean).join(' ') : value;
    } else if (key === 'style' && typeof value === 'object') {
      Object.assign(el.style, value);
    } else if (key === 'value' && 'value' in el) {
      el.value = value;
    } else if (key === 'checked' || key === 'selected' || key === 'disabled') {
      el[key] = Boolean(value);
      if (value) el.setAttribute(key, '');
    } else {
      el.setAttribute(key, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Empties an element and fills it again. */
export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

let toasts;

/** A short message in the corner; kind: 'info' (default), 'success', 'error'. Errors stay longer. */
export function toast(message, kind = 'info') {
  if (!toasts) {
    toasts = h('div', { class: 'toasts', role: 'status', 'aria-live': 'polite' });
    document.body.append(toasts);
  }
  const text = message instanceof Error ? message.message : String(message);
  const el = h('div', { class: ['toast', kind], 'data-test': `toast-${kind}` }, text);
  toasts.append(el);
  setTimeout(() => el.remove(), kind === 'error' ? 8000 : 3500);
  return el;
}

const STATUS_CLASS = {
  SUCCESS: 'ok', COMPLETED: 'ok', PARTIAL_SUCCESS: 'warn', RUNNING: 'run', QUEUED: 'wait', RETRYING: 'wait', PENDING: 'wait',
  FAILED: 'bad', CANCELLED: 'off', CANCELED: 'off', TIMED_OUT: 'bad', SKIPPED: 'off',
};

/** A coloured badge for an execution's or a step's status. */
export function statusBadge(status) {
  const s = status || '—';
  return h('span', { class: ['badge', STATUS_CLASS[s] || 'off'], 'data-test': 'status-badge', title: s }, s);
}

/** A point in time as local date and time ('—' for none); the ISO text is the element's title where shown. */
export function fmtTime(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  const now = new Date();
  const sameDay = d.toDateString() === now.toDateString();
  const time = d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  return sameDay ? time : `${d.toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' })} ${time}`;
}

/** How long ago or how soon, e.g. "3 min ago", "in 2 h". */
export function fmtRelative(iso) {
  if (!iso) return '—';
  const ms = new Date(iso).getTime() - Date.now();
  const text = fmtDuration(Math.abs(ms), true);
  return ms < 0 ? `${text} ago` : `in ${text}`;
}

/** A duration: "850 ms", "12.3 s", "4 min 05 s", "2 h 03 min"; rough drops the smaller unit. */
export function fmtDuration(ms, rough = false) {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return rough ? `${Math.round(s)} s` : `${s.toFixed(s < 10 ? 2 : 1)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return rough ? `${m} min` : `${m} min ${String(Math.floor(s % 60)).padStart(2, '0')} s`;
  const hours = Math.floor(m / 60);
  if (hours < 48) return rough ? `${hours} h` : `${hours} h ${String(m % 60).padStart(2, '0')} min`;
  return `${Math.floor(hours / 24)} d`;
}

/** Milliseconds between two ISO times (the second defaults to now), or null. */
export function between(from, to) {
  if (!from) return null;
  return (to ? new Date(to) : new Date()).getTime() - new Date(from).getTime();
}

/**
 * A modal dialog; resolves with what the clicked button's value is (null when dismissed with
 * Escape or Cancel). body: nodes; buttons: [{label, value, kind, test}].
 */
export function dialog(title, body, buttons = [{ label: 'OK', value: true, kind: 'primary' }]) {
  return new Promise((resolve) => {
    const el = h('dialog', { class: 'dialog', 'data-test': 'dialog' });
    const close = (value) => {
      el.close();
      el.remove();
      resolve(value);
    };
    const actions = [h('button', { type: 'button', 'data-test': 'dialog-cancel', onclick: () => close(null) }, 'Cancel'),
      ...buttons.map((b) => h('button', { type: 'button', class: b.kind || '', 'data-test': b.test || 'dialog-ok',
        onclick: () => close(typeof b.value === 'function' ? b.value() : b.value) }, b.label))];
    el.append(h('h2', {}, title), h('div', { class: 'dialog-body' }, body), h('div', { class: 'dialog-actions' }, actions));
    el.addEventListener('cancel', (e) => {
      e.preventDefault();
      close(null);
    });
    document.body.append(el);
    el.showModal();
    const first = el.querySelector('input, textarea, select');
    (first || el.querySelector('button:last-child')).focus();
  });
}

/** Asks before something that cannot be undone; resolves true or false. */
export async function confirm(title, message, label = 'Delete') {
  return (await dialog(title, [h('p', {}, message)], [{ label, value: true, kind: 'danger', test: 'confirm' }])) === true;
}

/** An error of a call as the user reads it: the problem's detail and its field errors. */
export function problemView(error) {
  const p = (error && error.problem) || {};
  const errors = Array.isArray(p.errors) ? p.errors : [];
  return h('div', { class: 'problem', 'data-test': 'problem', role: 'alert' },
    h('strong', {}, p.title || 'Error'), ' ', error && error.message,
    errors.length ? h('ul', {}, errors.map((e) => h('li', { 'data-test': 'validation-error' },
      e.path ? h('code', {}, e.path) : null, e.path ? ': ' : '', e.message))) : null);
}

/** A page's title row: heading, then actions on the right. */
export function pageHeader(title, ...actions) {
  return h('div', { class: 'page-header' }, h('h1', {}, title), h('div', { class: 'actions' }, actions));
}

/** Waits: shows a quiet line until the promise settles. */
export function loading(text = 'Loading…') {
  return h('p', { class: 'muted', 'data-test': 'loading' }, text);
}

/** A downloaded Blob saved under a name (an object URL, released once clicked). */
export function saveBlob(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = h('a', { href: url, download: name, style: 'display:none' });
  document.body.append(a);
  a.click();
  setTimeout(() => {
    URL.revokeObjectURL(url);
    a.remove();
  }, 1000);
}

/** Calls fn at most once per wait ms, with the last arguments. */
export function debounce(fn, wait = 250) {
  let timer;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), wait);
  };
}

/** An execution id as people read it: its last 8 characters (the first ones are the time it was made, alike for a burst). */
export function shortId(id) {
  return id ? String(id).slice(-8) : '—';
}

/** The key a path takes for a named thing of a namespace ({name, namespace}): 'ns.name', or the name in 'default'. */
export const keyOf = (item) => (item.namespace && item.namespace !== 'default' ? `${item.namespace}.${item.name}` : item.name);
