// #/jobs/:id/route — the Camel route this node compiled the job into, as YAML DSL, and a link to
// Hawtio (CARAVAN_HAWTIO_URL) to watch it run.
import { h, replace, pageHeader, problemView } from '../ui.js';
import { loadMonaco } from '../editor/monaco.js';

export async function render(root, params, ctx) {
  const id = params.id;
  const path = `/jobs/${encodeURIComponent(id)}`;
  const [yaml, settings] = await Promise.all([
    ctx.api.get(`${path}/route`).catch((error) => error),
    ctx.settings(),
  ]);
  const hawtio = settings && settings.hawtio_url
    ? h('a', { class: 'button', href: settings.hawtio_url, target: '_blank', rel: 'noopener noreferrer', 'data-test': 'hawtio-link',
      title: `Open Hawtio; the route's id is job.${id}` }, 'Open in Hawtio ↗')
    : h('span', { class: 'muted small', 'data-test': 'hawtio-none', title: 'Set CARAVAN_HAWTIO_URL to link a Hawtio here' }, 'No Hawtio configured');
  const host = h('div', { class: 'monaco-host tall', 'data-test': 'route-yaml' });
  root.append(
    h('div', { class: 'crumbs' }, h('a', { href: '#/jobs' }, 'Jobs'), ' / ', h('a', { href: `#${path}` }, id), ' / route'),
    pageHeader(`Route of ${id}`, hawtio),
    h('p', { class: 'muted', style: 'margin:0' }, 'What the job compiles to on this node: Camel\'s YAML DSL of the route, read-only. ',
      'Change the job, not this.'),
    h('div', { class: 'card' }, host));
  if (yaml instanceof Error) {
    replace(host, problemView(yaml));
    host.classList.remove('monaco-host', 'tall');
    return;
  }
  
  try {
    const monaco = await loadMonaco();
    if (!host.isConnected) return;
    const editor = monaco.editor.create(host, { value: yaml, language: 'yaml', readOnly: true, automaticLayout: true,
      minimap: { enabled: false }, scrollBeyondLastLine: false, fontSize: 12.5,
      theme: document.documentElement.dataset.theme === 'dark' ? 'vs-dark' : 'vs' });
    const follow = (e) => monaco.editor.setTheme(e.detail.theme === 'dark' ? 'vs-dark' : 'vs');
    window.addEventListener('caravan-theme', follow);
    ctx.onLeave(() => {
      window.removeEventListener('caravan-theme', follow);
      editor.dispose();
    });
  } catch (error) {
    replace(host, h('pre', { class: 'code' }, yaml));
  }
}
