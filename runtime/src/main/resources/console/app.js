// The console's shell: login, layout, navigation, theme and the hash router.
//
// Element hooks for end-to-end tests (data-test):
//   login-token, login-submit, login-error       the login screen
//   nav-jobs, nav-executions, nav-connections, nav-secrets, theme-toggle, logout, page-title
//   toast-info | toast-success | toast-error, dialog, dialog-ok, dialog-cancel, confirm, problem, validation-error
//   pages (see each module): job-row, job-search, job-tag-filter, job-enabled, job-link, job-last-status, job-next-fire,
//   job-overview, job-run, job-edit, job-versions, job-route, execution-row, execution-filter-job,
//   execution-filter-status, execution-status, timeline, timeline-bar, step-row, step-output, step-error,
//   context-view, file-link, log-view, log-line, log-follow, cancel, retry, version-row, diff-from, diff-to,
//   versions-diff, rollback, connection-row, connection-new, connection-save, connection-test, connection-delete,
//   secret-row, secret-new, secret-name, secret-value, secret-save, secret-replace, secret-delete,
//   route-yaml, hawtio-link
//
// Keyboard: g then j/e/c/s goes to jobs, executions, connections, secrets; j/k walk a list's rows
// and Enter opens one; / focuses the page's search field; t switches the theme; ? lists the
// shortcuts; Escape closes a dialog.

import { api, stream, token, onUnauthorized, ApiError } from './api.js';
import { h, replace, toast, dialog } from './ui.js';

const ROUTES = [
  ['/jobs', () => import('./pages/jobs.js')],
  ['/jobs/new', () => import('./editor/editor.js')],
  ['/jobs/:id/edit', () => import('./editor/editor.js')],
  ['/jobs/:id/run', () => import('./editor/runform.js')],
  ['/jobs/:id/versions', () => import('./pages/versions.js')],
  ['/jobs/:id/route', () => import('./pages/route.js')],
  ['/jobs/:id', () => import('./pages/job.js')],
  ['/executions', () => import('./pages/executions.js')],
  ['/executions/:id', () => import('./pages/execution.js')],
  ['/connections', () => import('./pages/connections.js')],
  ['/secrets', () => import('./pages/secrets.js')],
];

const NAV = [
  ['jobs', 'Jobs', '#/jobs', 'j'],
  ['executions', 'Executions', '#/executions', 'e'],
  ['connections', 'Connections', '#/connections', 'c'],
  ['secrets', 'Secrets', '#/secrets', 's'],
];

const app = document.getElementById('app');
let leaving = [];
let main;
let settings;

// ---- theme: the system's unless the user picked one (kept across visits)

const THEME_KEY = 'caravan.theme';
const systemDark = window.matchMedia('(prefers-color-scheme: dark)');

/** The theme in effect: 'dark' or 'light'. Pages with editors follow it through the 'caravan-theme' event. */
export function currentTheme() {
  return localStorage.getItem(THEME_KEY) || (systemDark.matches ? 'dark' : 'light');
}

function applyTheme() {
  const theme = currentTheme();
  document.documentElement.dataset.theme = theme;
  window.dispatchEvent(new CustomEvent('caravan-theme', { detail: { theme } }));
}

function toggleTheme() {
  localStorage.setItem(THEME_KEY, currentTheme() === 'dark' ? 'light' : 'dark');
  applyTheme();
}

systemDark.addEventListener('change', applyTheme);
applyTheme();

// ---- login

function showLogin(message) {
  leave();
  main = null;
  const input = h('input', { type: 'password', id: 'token', name: 'token', autocomplete: 'current-password',
    placeholder: 'Bearer token', 'data-test': 'login-token', required: true, autofocus: true });
  const error = h('p', { class: 'login-error', 'data-test': 'login-error', role: 'alert', hidden: !message }, message || '');
  const button = h('button', { type: 'submit', class: 'primary', 'data-test': 'login-submit' }, 'Sign in');
  const form = h('form', { class: 'login-card', onsubmit: async (e) => {
    e.preventDefault();
    const value = input.value.trim();
    if (!value) return;
    button.disabled = true;
    error.hidden = true;
    token.set(value);
    try {
      await api.get('/jobs'); // any call that needs the token tells whether it is good
      settings = undefined;
    } catch (err) {
      token.clear();
      error.textContent = err instanceof ApiError && err.status === 401
        ? `This token was refused: ${err.message}. Ask an administrator for one, or use CARAVAN_ADMIN_TOKEN.`
        : err instanceof ApiError && err.status === 403
          ? `This token may not list jobs: ${err.message}`
          : `The server could not be reached: ${err.message}`;
      error.hidden = false;
      button.disabled = false;
      input.select();
      return;
    }
    route();
  } },
  h('div', { class: 'brand big' }, logo(), 'Caravan'),
  h('label', { for: 'token' }, 'API token'),
  input, error, button,
  h('p', { class: 'muted small' }, 'The token stays in this tab only (session storage) and goes with every API call.'));
  replace(app, h('div', { class: 'login' }, form));
  app.classList.add('logged-out');
  input.focus();
}

function logout() {
  token.clear();
  showLogin();
}

onUnauthorized((error) => {
  if (token.get() && main) { // on the login screen the form says it itself
    token.clear();
    showLogin(`Signed out: ${error.message}`);
  }
});

// ---- layout and routing

function logo() {
  return h('img', { src: 'favicon.svg', alt: '', class: 'logo', width: 22, height: 22 });
}

function layout() {
  app.classList.remove('logged-out');
  const nav = h('nav', { class: 'nav', 'aria-label': 'Main' }, NAV.map(([key, label, href, shortcut]) =>
    h('a', { href, 'data-test': `nav-${key}`, 'data-nav': key, title: `${label} (g ${shortcut})` }, label)));
  const theme = h('button', { type: 'button', class: 'icon', 'data-test': 'theme-toggle', title: 'Light or dark (t)',
    'aria-label': 'Toggle dark theme', onclick: toggleTheme }, '◐');
  const help = h('button', { type: 'button', class: 'icon', title: 'Keyboard shortcuts (?)', onclick: shortcuts }, '?');
  const out = h('button', { type: 'button', class: 'ghost', 'data-test': 'logout', onclick: logout }, 'Sign out');
  main = h('main', { class: 'main', id: 'main', tabindex: '-1' });
  replace(app, h('header', { class: 'topbar' }, h('a', { class: 'brand', href: '#/jobs' }, logo(), 'Caravan'), nav,
    h('div', { class: 'spacer' }), help, theme, out), main);
}

function match(path) {
  for (const [pattern, load] of ROUTES) {
    const names = [];
    const regex = new RegExp(`^${pattern.replace(/:(\w+)/g, (_, n) => {
      names.push(n);
      return '([^/]+)';
    })}$`);
    const m = regex.exec(path);
    if (m) {
      const params = {};
      names.forEach((n, i) => {
        params[n] = decodeURIComponent(m[i + 1]);
      });
      return { load, params };
    }
  }
  return null;
}

function leave() {
  const cleanups = leaving;
  leaving = [];
  for (const fn of cleanups) {
    try {
      fn();
    } catch (e) {
      console.warn('cleanup failed', e);
    }
  }
}

/** What a page gets besides its root and params. */
function context() {
  return {
    api,
    stream,
    navigate: (hash) => {
      if (location.hash === hash) route();
      else location.hash = hash;
    },
    toast,
    onLeave: (fn) => leaving.push(fn),
    settings: loadSettings,
  };
}

/** The server's settings for the console (e.g. hawtio_url); {} when the endpoint is not there. */
async function loadSettings() {
  if (settings === undefined) {
    try {
      settings = await api.get('/console/settings');
    } catch (e) {
      settings = {};
    }
  }
  return settings;
}

let generation = 0;

async function route() {
  if (!token.get()) {
    showLogin();
    return;
  }
  if (!main) layout();
  leave();
  const raw = location.hash.replace(/^#/, '') || '/jobs';
  const [path, search] = raw.split('?');
  if (!location.hash || location.hash === '#' || location.hash === '#/') {
    history.replaceState(null, '', '#/jobs');
  }
  const section = path.split('/')[1];
  for (const a of app.querySelectorAll('[data-nav]')) {
    a.classList.toggle('active', a.dataset.nav === section);
    if (a.dataset.nav === section) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  const found = match(path);
  const root = h('div', { class: 'page', 'data-page': section || 'jobs' });
  replace(main, root);
  const mine = ++generation;
  if (!found) {
    root.append(h('h1', {}, 'Not found'), h('p', {}, `Nothing lives at #${path}. `, h('a', { href: '#/jobs' }, 'Go to the jobs')));
    return;
  }
  const params = { ...found.params, query: new URLSearchParams(search || '') };
  try {
    const module = await found.load();
    if (mine !== generation) return;
    await module.render(root, params, context());
    const title = root.querySelector('h1');
    document.title = title ? `${title.textContent} · Caravan` : 'Caravan';
  } catch (error) {
    if (mine !== generation || (error instanceof ApiError && error.status === 401)) return;
    console.warn('page failed', error);
    replace(root, h('div', { class: 'problem', role: 'alert', 'data-test': 'problem' },
      h('strong', {}, error instanceof ApiError ? (error.problem.title || 'Error') : 'This page could not be shown'),
      ' ', error.message));
  }
}

// ---- keyboard

function shortcuts() {
  const rows = [['g j', 'Jobs'], ['g e', 'Executions'], ['g c', 'Connections'], ['g s', 'Secrets'],
    ['j / k', 'Next or previous row of a list'], ['Enter', 'Open the row'], ['/', 'Search on this page'], ['t', 'Light or dark theme'], ['?', 'This list'], ['Esc', 'Close a dialog']];
  dialog('Keyboard shortcuts', h('table', { class: 'table compact' },
    rows.map(([k, what]) => h('tr', {}, h('td', {}, h('kbd', {}, k)), h('td', {}, what)))));
}

/** j and k walk the rows of the page's first table that has links; Enter opens the row's first link. */
function moveRow(step) {
  const rows = [...main.querySelectorAll('table tbody tr')].filter((r) => r.querySelector('a[href]'));
  if (!rows.length) return;
  const at = rows.findIndex((r) => r.classList.contains('selected'));
  const next = rows[Math.max(0, Math.min(rows.length - 1, at < 0 ? 0 : at + step))];
  rows.forEach((r) => r.classList.toggle('selected', r === next));
  next.scrollIntoView({ block: 'nearest' });
}

let pendingG = 0;
document.addEventListener('keydown', (e) => {
  const target = e.target;
  const typing = target instanceof HTMLElement && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName)
    || target.closest('.monaco-editor'));
  if (typing || e.ctrlKey || e.metaKey || e.altKey || !main || document.querySelector('dialog[open]')) return;
  if (pendingG && Date.now() - pendingG < 1200) {
    pendingG = 0;
    const nav = NAV.find((n) => n[3] === e.key);
    if (nav) {
      e.preventDefault();
      location.hash = nav[2];
    }
    return;
  }
  if (e.key === 'g') pendingG = Date.now();
  else if (e.key === 'j' || e.key === 'k') moveRow(e.key === 'j' ? 1 : -1);
  else if (e.key === 'Enter' && (target === document.body || target === main) && main.querySelector('tr.selected')) {
    const link = main.querySelector('tr.selected a[href]');
    if (link) {
      e.preventDefault();
      link.click();
    }
  }
  else if (e.key === '/') {
    const search = main.querySelector('input[type=search]');
    if (search) {
      e.preventDefault();
      search.focus();
    }
  } else if (e.key === '?') shortcuts();
  else if (e.key === 't') toggleTheme();
});

window.addEventListener('hashchange', route);
route();
