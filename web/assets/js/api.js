// The management API as the dashboard uses it: JSON in and out, the admin session token (kept in
// sessionStorage, sent as a bearer token on every call), and the /ws URL (with a single-use ticket
// when admin auth is on, since a browser cannot set headers on a WebSocket).

const TOKEN_KEY = 'heimdall.session';

export class ApiError extends Error {
  constructor(status, message, type) {
    super(message);
    this.status = status;
    this.type = type;
  }
}

export function sessionToken() {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function setSessionToken(token) {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

/** Calls the API; resolves to the parsed JSON body; throws ApiError (message from the API's error). */
export async function api(path, { method = 'GET', body, quiet401 = false } = {}) {
  // X-Requested-With: the gateway then leaves out its Basic challenge on a 401, which would make the
  // browser show its own password dialog.
  const headers = { accept: 'application/json', 'x-requested-with': 'XMLHttpRequest' };
  const token = sessionToken();
  if (token) headers.authorization = `Bearer ${token}`;
  const init = { method, headers };
  if (body !== undefined) {
    headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch (e) {
    throw new ApiError(0, `cannot reach the gateway: ${e.message}`);
  }
  const text = await res.text();
  let data;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!res.ok) {
    const message = data?.error?.message ?? (text || `${res.status} ${res.statusText}`);
    const err = new ApiError(res.status, message, data?.error?.type);
    if (res.status === 401 && !quiet401) window.dispatchEvent(new CustomEvent('heimdall:unauthorized'));
    throw err;
  }
  return data;
}

/** The admin-auth state: {is_auth_enabled, has_valid_token}. */
export function authState() {
  return api('/api/session/is-auth-enabled', { quiet401: true });
}

export async function login(username, password) {
  const r = await api('/api/session/login', { method: 'POST', body: { username, password }, quiet401: true });
  setSessionToken(r.token);
  return r;
}

export async function logout() {
  try {
    await api('/api/session/logout', { method: 'POST', body: {}, quiet401: true });
  } finally {
    setSessionToken(null);
  }
}

/** The /ws address, with a fresh ticket when signed in. */
export async function liveFeedUrl() {
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  let url = `${proto}//${location.host}/ws`;
  if (sessionToken()) {
    const r = await api('/api/session/ws-ticket', { method: 'POST', body: {} });
    url += `?ticket=${encodeURIComponent(r.ticket)}`;
  }
  return url;
}

/** Builds a query string from an object, leaving out empty values. */
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '') continue;
    q.set(k, Array.isArray(v) ? v.join(',') : String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}
