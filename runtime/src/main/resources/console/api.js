// The console's only way to the server: the public API under api/v1, with the bearer token the
// user gave at login (kept in sessionStorage: gone when the tab closes).

const BASE = new URL('api/v1', document.baseURI).pathname;
const TOKEN_KEY = 'caravan.token';

/** An API refusal: .status is the HTTP status, .problem the parsed problem+json (title, detail, errors[]). */
export class ApiError extends Error {
  constructor(status, problem) {
    super((problem && (problem.detail || problem.title)) || `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem || { title: `HTTP ${status}`, status, errors: [] };
  }
}

export const token = {
  get: () => sessionStorage.getItem(TOKEN_KEY),
  set: (value) => sessionStorage.setItem(TOKEN_KEY, value),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

/** Called with the ApiError of every 401, so the shell can ask for a token again. */
let unauthorized = () => {};
export function onUnauthorized(fn) {
  unauthorized = fn;
}

function headers(extra) {
  const out = { Accept: 'application/json, application/problem+json;q=0.9, */*;q=0.8', ...extra };
  const t = token.get();
  if (t) out.Authorization = `Bearer ${t}`;
  return out;
}

async function refusal(response) {
  let problem = null;
  const type = response.headers.get('Content-Type') || '';
  try {
    problem = type.includes('json') ? await response.json() : { title: response.statusText, detail: await response.text() };
  } catch (e) {
    problem = null;
  }
  const error = new ApiError(response.status, problem);
  if (response.status === 401) unauthorized(error);
  return error;
}

/** A call; the body (any JSON value) is sent as JSON. Answers parsed JSON, text, or null for 204. */
async function call(method, path, body, options = {}) {
  const init = { method, headers: headers(body === undefined ? {} : { 'Content-Type': 'application/json' }) };
  if (body !== undefined) init.body = JSON.stringify(body);
  if (options.signal) init.signal = options.signal;
  const response = await fetch(BASE + path, init);
  if (!response.ok) throw await refusal(response);
  if (response.status === 204) return null;
  const type = response.headers.get('Content-Type') || '';
  return type.includes('json') ? response.json() : response.text();
}

export const api = {
  get: (path, options) => call('GET', path, undefined, options),
  post: (path, body, options) => call('POST', path, body === undefined ? {} : body, options),
  put: (path, body, options) => call('PUT', path, body, options),
  patch: (path, body, options) => call('PATCH', path, body, options),
  del: (path, options) => call('DELETE', path, undefined, options),
  /** A file the API serves, as a Blob (downloads need the token, so a plain link cannot fetch them). */
  async blob(path) {
    const response = await fetch(path.startsWith('/api/') ? path : BASE + path, { headers: headers({ Accept: '*/*' }) });
    if (!response.ok) throw await refusal(response);
    return response.blob();
  },
};

/**
 * Reads a server-sent event stream over fetch (EventSource cannot send the token): calls
 * onEvent({event, data, id}) per event, data parsed as JSON when it is. Resolves when the server
 * ends the stream or the signal aborts it; rejects with an ApiError when refused.
 */
export async function stream(path, onEvent, signal) {
  let response;
  try {
    response = await fetch(BASE + path, { headers: headers({ Accept: 'text/event-stream' }), signal });
  } catch (e) {
    if (signal && signal.aborted) return;
    throw e;
  }
  if (!response.ok) throw await refusal(response);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value.replace(/\r\n?/g, '\n');
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = parse(frame);
        if (event) onEvent(event);
      }
    }
  } catch (e) {
    if (!(signal && signal.aborted)) throw e;
  }
}

function parse(frame) {
  let event = 'message';
  let id = null;
  const data = [];
  for (const line of frame.split('\n')) {
    if (line.startsWith(':')) continue; // a comment: keep-alive
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
    else if (field === 'id') id = value;
  }
  if (data.length === 0) return null;
  const text = data.join('\n');
  let parsed = text;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    // not JSON: the text as it came
  }
  return { event, data: parsed, id };
}
