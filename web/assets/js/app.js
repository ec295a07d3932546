// The dashboard's shell: navigation, client-side routing (history API), and the admin login gate.
import { api, authState, login, logout, setSessionToken } from './api.js';
import { h, clear, errorBox } from './dom.js';
import * as logsPage from './pages/logs.js';
import * as logDetailPage from './pages/log_detail.js';
import * as providersPage from './pages/providers.js';
import * as providerPage from './pages/provider.js';
import * as virtualKeysPage from './pages/virtual_keys.js';
import * as teamsPage from './pages/teams.js';
import * as customersPage from './pages/customers.js';
import * as mcpPage from './pages/mcp.js';

// path pattern -> page module (render(root, params) -> optional cleanup function)
const ROUTES = [
  [/^\/(?:logs\/?)?$/, logsPage],
  [/^\/logs\/([^/]+)$/, logDetailPage],
  [/^\/providers\/?$/, providersPage],
  [/^\/providers\/([^/]+)$/, providerPage],
  [/^\/governance\/?$/, null, '/governance/virtual-keys'],
  [/^\/governance\/virtual-keys\/?$/, virtualKeysPage],
  [/^\/governance\/teams\/?$/, teamsPage],
  [/^\/governance\/customers\/?$/, customersPage],
  [/^\/mcp-clients\/?$/, mcpPage],
];

const NAV = [
  { label: 'Logs', href: '/logs', match: /^\/(logs.*)?$/ },
  { label: 'Providers', href: '/providers', match: /^\/providers/ },
  {
    label: 'Governance',
    children: [
      { label: 'Virtual Keys', href: '/governance/virtual-keys', match: /^\/governance\/virtual-keys/ },
      { label: 'Teams', href: '/governance/teams', match: /^\/governance\/teams/ },
      { label: 'Customers', href: '/governance/customers', match: /^\/governance\/customers/ },
    ],
  },
  { label: 'MCP Clients', href: '/mcp-clients', match: /^\/mcp-clients/ },
];

const app = document.getElementById('app');
let auth = { is_auth_enabled: false, has_valid_token: true };
let cleanupPage = null;
let main = null;
let nav = null;

export function navigate(path) {
  if (path !== location.pathname + location.search) history.pushState({}, '', path);
  renderRoute();
}

function navLink(item) {
  return h('a', { href: item.href, class: 'nav-link', dataset: { nav: item.href } }, item.label);
}

function shell() {
  nav = h('nav', { class: 'nav', 'aria-label': 'Main' },
    NAV.map((item) => item.children
      ? h('div', { class: 'nav-group' }, h('div', { class: 'nav-group-title', text: item.label }),
        item.children.map(navLink))
      : navLink(item)));
  const logoutBtn = auth.is_auth_enabled
    ? h('button', { class: 'btn btn-ghost', type: 'button', id: 'logout', onclick: async () => { await logout(); start(); } }, 'Sign out')
    : null;
  const version = h('span', { class: 'muted small', id: 'version' });
  api('/api/version').then((v) => { version.textContent = `v${v.version}`; }).catch(() => {});
  main = h('main', { class: 'main', id: 'main' });
  clear(app).append(
    h('aside', { class: 'sidebar' },
      h('a', { href: '/logs', class: 'brand' }, h('img', { src: '/assets/favicon.svg', alt: '', width: 24, height: 24 }), 'Heimdall'),
      nav,
      h('div', { class: 'sidebar-foot' }, version, logoutBtn)),
    main);
}

async function renderRoute() {
  if (!main) return;
  if (cleanupPage) {
    try { cleanupPage(); } catch { /* a page's cleanup failing must not block navigation */ }
    cleanupPage = null;
  }
  const path = location.pathname;
  for (const a of nav.querySelectorAll('a.nav-link')) {
    const item = NAV.flatMap((n) => n.children ?? [n]).find((n) => n.href === a.dataset.nav);
    a.classList.toggle('active', Boolean(item?.match.test(path)));
  }
  clear(main);
  for (const [re, page, redirect] of ROUTES) {
    const m = re.exec(path);
    if (!m) continue;
    if (redirect) {
      history.replaceState({}, '', redirect);
      return renderRoute();
    }
    const root = h('div', { class: 'page' });
    main.append(root);
    try {
      const params = m.slice(1).map((p) => decodeURIComponent(p));
      cleanupPage = (await page.render(root, params, { navigate })) ?? null;
    } catch (e) {
      root.append(errorBox(e));
    }
    return;
  }
  main.append(h('div', { class: 'page' }, h('h1', { text: 'Page not found' }),
    h('p', {}, 'There is no dashboard page at ', h('code', { text: path }), '. ', h('a', { href: '/logs' }, 'Go to Logs'))));
}

function loginView(message) {
  main = null;
  const user = h('input', { name: 'username', id: 'login-username', autocomplete: 'username', required: true });
  const pass = h('input', { name: 'password', id: 'login-password', type: 'password', autocomplete: 'current-password', required: true });
  const err = h('div', { class: 'error-box', role: 'alert', id: 'login-error', hidden: !message, text: message ?? '' });
  const submit = h('button', { class: 'btn btn-primary', type: 'submit' }, 'Sign in');
  const form = h('form', { class: 'login-card', id: 'login-form' },
    h('h1', {}, h('img', { src: '/assets/favicon.svg', alt: '', width: 28, height: 28 }), ' Heimdall'),
    h('p', { class: 'muted', text: 'Admin authentication is enabled. Sign in to manage the gateway.' }),
    h('label', {}, 'Username', user), h('label', {}, 'Password', pass), err, submit);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    submit.disabled = true;
    err.hidden = true;
    try {
      await login(user.value, pass.value);
      auth = { is_auth_enabled: true, has_valid_token: true };
      shell();
      renderRoute();
    } catch (e) {
      err.textContent = e.message;
      err.hidden = false;
      submit.disabled = false;
    }
  });
  clear(app).append(h('div', { class: 'login-wrap' }, form));
  user.focus();
}

async function start() {
  try {
    auth = await authState();
  } catch (e) {
    clear(app).append(h('div', { class: 'login-wrap' }, errorBox(e)));
    return;
  }
  if (auth.is_auth_enabled && !auth.has_valid_token) {
    setSessionToken(null);
    loginView();
    return;
  }
  shell();
  renderRoute();
}

// Links inside the app navigate without a reload.
document.addEventListener('click', (ev) => {
  const a = ev.target.closest?.('a[href]');
  if (!a || a.target || a.hasAttribute('download') || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey) return;
  const url = new URL(a.href, location.href);
  if (url.origin !== location.origin || /^\/(api|v1|anthropic|openai|mcp|metrics|ws|health|assets)(\/|$)/.test(url.pathname)) return;
  ev.preventDefault();
  navigate(url.pathname + url.search);
});
window.addEventListener('popstate', renderRoute);
window.addEventListener('heimdall:unauthorized', () => {
  if (!auth.is_auth_enabled) return;
  if (cleanupPage) {
    try { cleanupPage(); } catch { /* ignore */ }
    cleanupPage = null;
  }
  setSessionToken(null);
  loginView('Your session has ended. Sign in again.');
});

start();
