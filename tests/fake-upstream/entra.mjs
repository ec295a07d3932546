// Fake Entra ID token services for the Azure authentication tests, on the same loopback server:
// - POST /{tenant}/oauth2/v2.0/token: OAuth 2.0 client credentials with a client secret, a certificate
//   client assertion (RS256 JWT, x5t thumbprint, signature checked against the registered certificate),
//   or a federated (workload identity) assertion;
// - GET /metadata/identity/oauth2/token: the instance metadata service (Metadata: true, api-version,
//   resource, optional client_id for a user-assigned identity);
// - GET /msi/token: App Service / Functions managed identity (X-IDENTITY-HEADER, api-version 2019-08-01).
// Issued tokens expire after `expires_in` seconds; the Azure endpoints accept them as Bearer tokens
// until then (state.issued_tokens). Settings: POST/GET /__control/entra (see README.md).
import crypto from 'node:crypto';
import { state } from './common.mjs';

const ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const TOKEN_PATH = /^\/([^/]+)\/oauth2\/v2\.0\/token$/;

function defaults() {
  return {
    tenants: null, // null: any tenant
    clients: {}, // client_id -> {secret?, certificate? (PEM), federated_token?}
    managed_identities: [], // "system" and/or user-assigned client ids
    identity_header: 'fake-identity-header',
    expires_in: 3600,
    delay_ms: 0,
    fail: null, // {status, count?}: token endpoints fail (count times, or until cleared)
  };
}

export const entra = { settings: defaults(), issued: 0 };

export function resetEntra() {
  entra.settings = defaults();
  entra.issued = 0;
}

/** POST /__control/entra: replaces the given settings; returns the effective ones, or {error}. */
export function configureEntra(patch) {
  if (!patch || typeof patch !== 'object' || Array.isArray(patch)) return { error: 'entra settings must be an object' };
  const known = Object.keys(defaults());
  for (const k of Object.keys(patch)) if (!known.includes(k)) return { error: `unknown entra setting: ${k}` };
  Object.assign(entra.settings, patch);
  return { settings: entra.settings, issued: entra.issued };
}

export function entraStatus() {
  return { settings: entra.settings, issued: entra.issued };
}

function oauthError(ctx, status, error, description) {
  const codes = [];
  ctx.send(status, {}, {
    error, error_description: `${description}\r\nTrace ID: ${crypto.randomUUID()}\r\nTimestamp: ${new Date().toISOString()}`,
    error_codes: codes, timestamp: new Date().toISOString(),
  });
}

function issue(kind) {
  const s = entra.settings;
  const token = `entra-${kind}-${++entra.issued}-${crypto.randomBytes(6).toString('hex')}`;
  state.issued_tokens.set(token, Date.now() + s.expires_in * 1000);
  return token;
}

/** Answers the injected failure, if any. */
function failed(ctx) {
  const f = entra.settings.fail;
  if (!f) return false;
  if (Number.isInteger(f.count)) {
    if (f.count <= 0) return false;
    f.count--;
  }
  const status = f.status ?? 503;
  oauthError(ctx, status, status >= 500 ? 'temporarily_unavailable' : 'invalid_request',
    `AADSTS90033: A transient error has occurred. Please try again. (injected HTTP ${status})`);
  return true;
}

function b64urlJson(part) {
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString());
  } catch {
    return undefined;
  }
}

/** Checks a certificate client assertion; returns an error description or null. */
function checkCertificateAssertion(jwt, pem, clientId, audience) {
  const parts = jwt.split('.');
  if (parts.length !== 3) return 'AADSTS50027: JWT token is invalid or malformed.';
  const header = b64urlJson(parts[0]);
  const claims = b64urlJson(parts[1]);
  if (!header || !claims) return 'AADSTS50027: JWT token is invalid or malformed.';
  if (header.alg !== 'RS256') return `AADSTS5002738: unsupported alg ${header.alg}`;
  const cert = new crypto.X509Certificate(pem);
  const x5t = Buffer.from(cert.fingerprint.replace(/:/g, ''), 'hex').toString('base64url');
  if (header.x5t !== x5t) return 'AADSTS700027: The certificate with identifier used to sign the client assertion is not registered on application.';
  const ok = crypto.verify('sha256', Buffer.from(`${parts[0]}.${parts[1]}`), cert.publicKey, Buffer.from(parts[2], 'base64url'));
  if (!ok) return 'AADSTS700027: Client assertion failed signature validation.';
  const now = Math.floor(Date.now() / 1000);
  if (claims.aud !== audience) return `AADSTS700212: No matching federated identity record found for presented assertion audience '${claims.aud}'.`;
  if (claims.iss !== clientId || claims.sub !== clientId) return 'AADSTS700021: Client assertion application identifier doesn\'t match \'client_id\' parameter.';
  if (!(claims.exp > now) || !(claims.nbf <= now + 300)) return 'AADSTS700024: Client assertion is not within its valid time range.';
  if (typeof claims.jti !== 'string' || claims.jti === '') return 'AADSTS700023: Client assertion has no jti.';
  return null;
}

async function tokenEndpoint(ctx, tenant) {
  const s = entra.settings;
  if (s.delay_ms > 0 && !(await ctx.sleep(s.delay_ms))) return;
  if (failed(ctx)) return;
  if (!/^application\/x-www-form-urlencoded/i.test(ctx.headers['content-type'] ?? '')) {
    return oauthError(ctx, 400, 'invalid_request', "AADSTS900144: The request body must contain the following parameter: 'grant_type'.");
  }
  const form = new URLSearchParams(ctx.rawBody);
  if (s.tenants && !s.tenants.includes(tenant)) {
    return oauthError(ctx, 400, 'invalid_request', `AADSTS90002: Tenant '${tenant}' not found.`);
  }
  if (form.get('grant_type') !== 'client_credentials') {
    return oauthError(ctx, 400, 'unsupported_grant_type', 'AADSTS70003: The app requested an unsupported grant type.');
  }
  const clientId = form.get('client_id');
  const scope = form.get('scope');
  if (!scope) return oauthError(ctx, 400, 'invalid_request', "AADSTS900144: The request body must contain the following parameter: 'scope'.");
  if (!scope.split(' ').every((x) => x.endsWith('/.default'))) {
    return oauthError(ctx, 400, 'invalid_scope', `AADSTS1002012: The provided value for scope ${scope} is not valid.`);
  }
  const client = s.clients[clientId];
  if (!clientId || !client) {
    return oauthError(ctx, 400, 'unauthorized_client', `AADSTS700016: Application with identifier '${clientId}' was not found in the directory '${tenant}'.`);
  }
  let kind;
  if (form.has('client_secret')) {
    if (client.secret === undefined || form.get('client_secret') !== client.secret) {
      return oauthError(ctx, 401, 'invalid_client', `AADSTS7000215: Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`);
    }
    kind = 'secret';
  } else if (form.get('client_assertion_type') === ASSERTION_TYPE && form.get('client_assertion')) {
    const assertion = form.get('client_assertion');
    if (client.certificate) {
      const audience = `http://${ctx.headers.host}${ctx.path}`;
      const err = checkCertificateAssertion(assertion, client.certificate, clientId, audience);
      if (err) return oauthError(ctx, 401, 'invalid_client', err);
      kind = 'cert';
    } else if (client.federated_token !== undefined) {
      if (assertion !== client.federated_token) {
        return oauthError(ctx, 401, 'invalid_client', 'AADSTS700213: No matching federated identity record found for presented assertion subject.');
      }
      kind = 'federated';
    } else {
      return oauthError(ctx, 401, 'invalid_client', 'AADSTS700027: No credential is registered for client assertions.');
    }
  } else {
    return oauthError(ctx, 401, 'invalid_client', "AADSTS7000218: The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
  }
  ctx.send(200, { 'cache-control': 'no-store' }, {
    token_type: 'Bearer', expires_in: s.expires_in, ext_expires_in: s.expires_in, access_token: issue(kind),
  });
}

function managedIdentity(ctx, appService) {
  const s = entra.settings;
  const q = ctx.url.searchParams;
  const resource = q.get('resource');
  if (appService) {
    if (ctx.headers['x-identity-header'] !== s.identity_header) {
      return ctx.send(401, {}, { statusCode: 401, message: 'Unauthorized: X-IDENTITY-HEADER is missing or invalid' });
    }
    if (q.get('api-version') !== '2019-08-01') return ctx.send(400, {}, { statusCode: 400, message: 'api-version 2019-08-01 is required' });
  } else {
    if (ctx.headers.metadata !== 'true') {
      return ctx.send(400, {}, { error: 'invalid_request', error_description: 'Required metadata header not specified' });
    }
    if (q.get('api-version') !== '2018-02-01') return ctx.send(400, {}, { error: 'invalid_request', error_description: 'Invalid api-version' });
  }
  if (!resource) return ctx.send(400, {}, { error: 'invalid_request', error_description: 'Required query variable \'resource\' is missing' });
  const identity = q.get('client_id') ?? 'system';
  if (!s.managed_identities.includes(identity)) {
    return ctx.send(400, {}, { error: 'invalid_request', error_description: 'Identity not found' });
  }
  const now = Math.floor(Date.now() / 1000);
  ctx.send(200, {}, {
    access_token: issue(appService ? 'appservice' : 'imds'), client_id: identity, expires_in: String(s.expires_in),
    expires_on: String(now + s.expires_in), ext_expires_in: String(s.expires_in), not_before: String(now),
    resource, token_type: 'Bearer',
  });
}

async function managedIdentityRoute(ctx, appService) {
  const s = entra.settings;
  if (s.delay_ms > 0 && !(await ctx.sleep(s.delay_ms))) return;
  if (failed(ctx)) return;
  managedIdentity(ctx, appService);
}

/** Routes a token-service request; returns undefined when the path is not one of ours. */
export function routeEntra(ctx) {
  const m = ctx.req.method === 'POST' ? TOKEN_PATH.exec(ctx.path) : null;
  if (m) return tokenEndpoint(ctx, decodeURIComponent(m[1]));
  if (ctx.req.method === 'GET' && ctx.path === '/metadata/identity/oauth2/token') return managedIdentityRoute(ctx, false);
  if (ctx.req.method === 'GET' && ctx.path === '/msi/token') return managedIdentityRoute(ctx, true);
  return undefined;
}
