// The flow view: what starts the job, then its steps in order, drawn as SVG. Conditions (when),
// loops (forEach) and steps whose failure does not fail the job (continueOnError) are marked.

const NS = 'http://www.w3.org/2000/svg';
const WIDTH = 560;
const BOX_W = 300;
const BOX_H = 50;
const GAP = 34;
const PILL_H = 26;

function s(tag, attrs, ...children) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) if (v !== null && v !== undefined) el.setAttribute(k, String(v));
  for (const c of children.flat()) if (c !== null && c !== undefined) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

const clip = (text, n) => (text.length > n ? `${text.slice(0, n - 1)}…` : text);

/** What a trigger says in a few words. */
function triggerLabel(t) {
  switch (t.type) {
    case 'schedule': return `schedule ${t.cron || ''}${t.timezone ? ` (${t.timezone})` : ''}`;
    case 'webhook': return `webhook${t.respond === 'sync' ? ' (sync)' : ''}`;
    case 'sftp': return `sftp ${t.connection || ''}:${t.directory || ''}`;
    default: return String(t.type || 'trigger');
  }
}

/**
 * The flow of a job document as an SVG element; onStep(index) when a step is chosen (click or
 * Enter on its box).
 */
export function renderFlow(doc, onStep) {
  const d = doc && typeof doc === 'object' ? doc : {};
  const triggers = [{ type: 'manual', label: 'manual / API' },
    ...(Array.isArray(d.triggers) ? d.triggers : []).map((t) => ({ type: t.type, label: triggerLabel(t) }))];
  const steps = Array.isArray(d.steps) ? d.steps : [];
  const cx = WIDTH / 2;
  const parts = [];

  // the triggers: pills in rows, all leading into the first step
  const pillW = (t) => Math.min(320, 18 + clip(t.label, 44).length * 7);
  let rowX = 0;
  let rowY = 14;
  const rows = [[]];
  for (const t of triggers) {
    const w = pillW(t);
    if (rowX + w > WIDTH - 20 && rows[rows.length - 1].length) { rows.push([]); rowX = 0; }
    rows[rows.length - 1].push({ t, w });
    rowX += w + 10;
  }
  for (const row of rows) {
    const total = row.reduce((a, p) => a + p.w, 0) + (row.length - 1) * 10;
    let x = cx - total / 2;
    for (const { t, w } of row) {
      parts.push(s('g', { class: `flow-trigger kind-${t.type}`, 'data-test': 'flow-trigger' },
        s('title', {}, t.label),
        s('rect', { x, y: rowY, width: w, height: PILL_H, rx: PILL_H / 2 }),
        s('text', { x: x + w / 2, y: rowY + 17, 'text-anchor': 'middle' }, clip(t.label, 44))));
      x += w + 10;
    }
    rowY += PILL_H + 8;
  }
  let y = rowY + GAP - 8;
  parts.push(s('line', { class: 'flow-edge', x1: cx, y1: rowY - 8, x2: cx, y2: y - 4, 'marker-end': 'url(#flow-arrow)' }));

  steps.forEach((step, i) => {
    const x = cx - BOX_W / 2;
    const conditional = step.when !== undefined;
    const loop = step.forEach !== undefined;
    const tolerant = step.continueOnError === true;
    const g = s('g', { class: ['flow-step', conditional ? 'conditional' : '', tolerant ? 'tolerant' : ''].join(' ').trim(),
      'data-test': 'flow-step', 'data-index': i, tabindex: onStep ? 0 : null, role: onStep ? 'button' : null, 'aria-label': `step ${i + 1}: ${step.id || ''} (${step.type || ''})` },
    s('title', {}, [`${step.id || ''} (${step.type || ''})`, conditional ? `when ${step.when}` : '',
      loop ? `for each ${typeof step.forEach === 'string' ? step.forEach : JSON.stringify(step.forEach)}` : '',
      tolerant ? 'continues on error' : ''].filter(Boolean).join('\n')),
    s('rect', { x, y, width: BOX_W, height: BOX_H, rx: 8 }),
    s('text', { class: 'flow-no', x: x + 14, y: y + 30 }, String(i + 1)),
    s('text', { class: 'flow-id', x: x + 38, y: y + 21 }, clip(String(step.id || '(no id)'), 30)),
    s('text', { class: 'flow-kind', x: x + 38, y: y + 39 }, clip(String(step.type || '?'), 36)));
    if (conditional) {
      // a diamond on the edge into the step: it may be skipped
      const dy = y - GAP / 2;
      g.append(s('path', { class: 'flow-when', d: `M ${cx} ${dy - 9} L ${cx + 9} ${dy} L ${cx} ${dy + 9} L ${cx - 9} ${dy} Z` }),
        s('text', { class: 'flow-note', x: cx + 16, y: dy + 4 }, `when ${clip(String(step.when), 40)}`));
    }
    if (loop) {
      const rx = x + BOX_W;
      g.append(s('path', { class: 'flow-loop', d: `M ${rx} ${y + BOX_H - 12} C ${rx + 34} ${y + BOX_H}, ${rx + 34} ${y}, ${rx} ${y + 12}`,
        'marker-end': 'url(#flow-arrow)' }),
      s('text', { class: 'flow-note', x: rx + 34, y: y + BOX_H / 2 + 4 }, 'for each'));
    }
    if (tolerant) {
      g.append(s('text', { class: 'flow-note tolerant', x: x - 10, y: y + BOX_H / 2 + 4, 'text-anchor': 'end' }, 'continues on error'));
    }
    const choose = () => onStep && onStep(i);
    g.addEventListener('click', choose);
    g.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); choose(); } });
    parts.push(g);
    y += BOX_H;
    parts.push(s('line', { class: 'flow-edge', x1: cx, y1: y, x2: cx, y2: y + GAP - 4, 'marker-end': 'url(#flow-arrow)' }));
    y += GAP;
  });
  parts.push(s('g', { class: 'flow-end' }, s('circle', { cx, cy: y + 10, r: 10 }),
    s('text', { x: cx + 18, y: y + 14 }, steps.length ? 'done' : 'no steps yet')));
  const height = y + 30;
  return s('svg', { class: 'flow', 'data-test': 'flow-view', viewBox: `0 0 ${WIDTH} ${height}`, width: '100%', role: 'img', 'aria-label': `flow of ${steps.length} steps` },
  s('defs', {}, s('marker', { id: 'flow-arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' },
    s('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: 'flow-arrowhead' }))),
  parts);
}
