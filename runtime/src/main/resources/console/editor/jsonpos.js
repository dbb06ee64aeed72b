// JSON paths and where they stand in a text: the server reports problems by path
// ($.steps[1].query), Monaco by offset; this module translates between the two.
// Why a small parser of our own: JSON.parse keeps no offsets, Monaco's JSON service keeps its
// parse tree inside its worker (no public API gives it), and jsonc-parser's ES build imports
// its files without extensions, which a browser cannot load without a bundler.

/** Splits a path such as `$.steps[1].query` or `$.params['a b']` into ['steps', 1, 'query']. */
export function parsePath(path) {
  const out = [];
  const s = String(path || '$');
  let i = s.startsWith('$') ? 1 : 0;
  while (i < s.length) {
    if (s[i] === '.') {
      let j = i + 1;
      while (j < s.length && s[j] !== '.' && s[j] !== '[') j++;
      if (j > i + 1) out.push(s.slice(i + 1, j));
      i = j;
    } else if (s[i] === '[') {
      const q = s[i + 1];
      if (q === '"' || q === "'") {
        const end = s.indexOf(q + ']', i + 2);
        const stop = end < 0 ? s.length : end;
        out.push(s.slice(i + 2, stop));
        i = stop + 2;
      } else {
        const end = s.indexOf(']', i);
        const stop = end < 0 ? s.length : end;
        const raw = s.slice(i + 1, stop);
        out.push(/^\d+$/.test(raw) ? Number(raw) : raw);
        i = stop + 1;
      }
    } else {
      // a bare name without a leading dot (e.g. "status" from a query parameter check)
      let j = i;
      while (j < s.length && s[j] !== '.' && s[j] !== '[') j++;
      out.push(s.slice(i, j));
      i = j;
    }
  }
  return out;
}

/** The canonical form of a path, used as the data-path of builder fields. */
export function formatPath(segments) {
  let out = '$';
  for (const seg of segments) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(seg)) out += `.${seg}`;
    else out += `['${seg}']`;
  }
  return out;
}

/** Normalises any path the server or a marker gives into the canonical form. */
export const normalizePath = (path) => formatPath(parsePath(path));

/**
 * Parses JSON keeping each value's offsets: {type, start, end, props: [{key, keyStart, value}],
 * items: [...]}. Returns null when the text is not valid JSON (Monaco shows why).
 */
export function parseWithPositions(text) {
  let i = 0;
  const ws = () => { while (i < text.length && ' \t\r\n'.includes(text[i])) i++; };
  const fail = () => { throw new SyntaxError('at ' + i); };
  const str = () => {
    const start = i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    if (i >= text.length) fail();
    i++;
    return JSON.parse(text.slice(start, i));
  };
  const value = () => {
    ws();
    const start = i;
    const c = text[i];
    if (c === '{') {
      i++;
      const props = [];
      ws();
      if (text[i] === '}') { i++; return { type: 'object', start, end: i, props }; }
      for (;;) {
        ws();
        if (text[i] !== '"') fail();
        const keyStart = i;
        const key = str();
        ws();
        if (text[i++] !== ':') fail();
        props.push({ key, keyStart, value: value() });
        ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === '}') { i++; return { type: 'object', start, end: i, props }; }
        fail();
      }
    }
    if (c === '[') {
      i++;
      const items = [];
      ws();
      if (text[i] === ']') { i++; return { type: 'array', start, end: i, items }; }
      for (;;) {
        items.push(value());
        ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === ']') { i++; return { type: 'array', start, end: i, items }; }
        fail();
      }
    }
    if (c === '"') { str(); return { type: 'string', start, end: i }; }
    const m = /^(-?\d+(\.\d+)?([eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 400));
    if (!m) fail();
    i += m[0].length;
    return { type: 'scalar', start, end: i };
  };
  try {
    const root = value();
    ws();
    return i === text.length ? root : null;
  } catch (e) {
    return null;
  }
}

/**
 * The node at a path, or the deepest one on the way when the path goes further than the
 * document (a missing required field is reported at a path that does not exist yet).
 */
export function locate(root, segments) {
  let node = root;
  let keyStart = null;
  let depth = 0;
  for (const seg of segments) {
    let next = null;
    if (node.type === 'object') {
      const prop = node.props.find((p) => p.key === String(seg));
      if (prop) { next = prop.value; keyStart = prop.keyStart; }
    } else if (node.type === 'array' && typeof seg === 'number') {
      next = node.items[seg] || null;
      keyStart = null;
    }
    if (!next) break;
    node = next;
    depth++;
  }
  return { node, keyStart, exact: depth === segments.length, depth };
}

/** The path of the deepest value containing an offset (a key counts as part of its value). */
export function pathAt(root, offset) {
  const path = [];
  let node = root;
  for (;;) {
    let next = null;
    if (node.type === 'object') {
      for (const p of node.props) {
        if (offset >= p.keyStart && offset < p.value.end) { next = p.value; path.push(p.key); break; }
      }
    } else if (node.type === 'array') {
      node.items.forEach((item, n) => {
        if (!next && offset >= item.start && offset < item.end) { next = item; path.push(n); }
      });
    }
    if (!next) return path;
    node = next;
  }
}
