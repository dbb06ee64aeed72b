// Monaco, loaded once from its WebJar (the AMD build: the ESM build needs a bundler), shared by
// the editor, the versions diff and the context viewer. Everything comes from this origin, so
// the console's CSP (script-src 'self', worker-src 'self' blob:) holds.

// the WebJar sits beside the console's files, wherever the console is served from
const BASE = new URL('../webjars/monaco-editor/0.52.2/min', import.meta.url).href;
let loading = null;

/** Loads Monaco (once) and resolves to the global `monaco`, its theme following the console's. */
export function loadMonaco() {
  if (!loading) {
    loading = load().then((monaco) => {
      followTheme(monaco);
      return monaco;
    });
    loading.catch(() => { loading = null; }); // a failed load may be retried
  }
  return loading;
}

function load() {
  return new Promise((resolve, reject) => {
    if (window.monaco) {
      resolve(window.monaco);
      return;
    }
    // the language workers run from the same origin; Monaco tells each worker which module to load
    window.MonacoEnvironment = {
      getWorkerUrl: () => `${BASE}/vs/base/worker/workerMain.js`,
    };
    const script = document.createElement('script');
    script.src = `${BASE}/vs/loader.js`;
    script.onerror = () => reject(new Error('the editor (Monaco) could not be loaded'));
    script.onload = () => {
      window.require.config({ paths: { vs: `${BASE}/vs` } });
      window.require(['vs/editor/editor.main'], () => resolve(window.monaco),
        (e) => reject(new Error('the editor (Monaco) could not be loaded: ' + (e && e.message))));
    };
    document.head.appendChild(script);
  });
}

/** Whether the console shows its dark theme (the shell's toggle, else the system's preference). */
export function isDark() {
  const root = document.documentElement;
  const chosen = root.dataset.theme || root.getAttribute('data-color-scheme');
  if (chosen === 'dark' || root.classList.contains('dark')) return true;
  if (chosen === 'light' || root.classList.contains('light')) return false;
  return window.matchMedia && window.matchMedia('(prefers-color-scheme: dark)').matches;
}

/** Monaco's own light or dark theme on the console's panel colour, so the editor sits in its card. */
function applyTheme(monaco) {
  const dark = isDark();
  const panel = getComputedStyle(document.documentElement).getPropertyValue('--panel').trim();
  if (!/^#[0-9a-fA-F]{6}$/.test(panel)) {
    monaco.editor.setTheme(dark ? 'vs-dark' : 'vs');
    return;
  }
  const name = dark ? 'caravan-dark' : 'caravan-light';
  monaco.editor.defineTheme(name, { base: dark ? 'vs-dark' : 'vs', inherit: true, rules: [],
    colors: { 'editor.background': panel, 'editorGutter.background': panel } });
  monaco.editor.setTheme(name);
}

function followTheme(monaco) {
  const apply = () => applyTheme(monaco);
  apply();
  new MutationObserver(apply).observe(document.documentElement,
    { attributes: true, attributeFilter: ['data-theme', 'data-color-scheme', 'class'] });
  if (window.matchMedia) window.matchMedia('(prefers-color-scheme: dark)').addEventListener('change', apply);
}
