// Azure authentication with Entra ID: service principal (secret and certificate), the default credential
// chain (environment, workload identity, managed identity via App Service and IMDS, Azure CLI), precedence,
// token caching and refresh under load, rotation, token-service failure, and secrets kept out of logs.
// Every token endpoint is the fake upstream on loopback; no test can reach a real cloud or the metadata
// address (IMDS, authority host and identity endpoint are always overridden).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { startFakeUpstream, startGateway, request, waitFor, tmpDir, cleanup } from './lib/harness.mjs';

after(cleanup);

const TENANT = 'tenant-0000-fake';
const SCOPE = 'https://cognitiveservices.azure.com/.default';

/** A loopback port with nothing listening (for "unreachable" endpoints). */
async function closedPortUrl() {
  const srv = net.createServer();
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address();
  await new Promise((r) => srv.close(r));
  return `http://127.0.0.1:${port}`;
}

/**
 * Environment for a gateway: every Azure identity variable cleared (so the developer's own never leak
 * in), endpoints on loopback, and PATH without `az` unless given.
 */
function isolatedEnv(up, extra = {}) {
  return {
    AZURE_AUTHORITY_HOST: up.url,
    AZURE_POD_IDENTITY_AUTHORITY_HOST: up.url,
    AZURE_CLIENT_ID: '', AZURE_CLIENT_SECRET: '', AZURE_TENANT_ID: '', AZURE_CLIENT_CERTIFICATE_PATH: '',
    AZURE_CLIENT_CERTIFICATE_PASSWORD: '', AZURE_FEDERATED_TOKEN_FILE: '', IDENTITY_ENDPOINT: '', IDENTITY_HEADER: '',
    PATH: tmpDir('heimdall-empty-path-'),
    ...extra,
  };
}

function azureKey(up, name, fields = {}, azure = {}) {
  return {
    name, models: ['*'],
    aliases: { 'claude-sonnet-4-6': 'my-claude-deployment', 'gpt-4o': 'my-gpt4o-deployment' },
    ...fields,
    azure_key_config: { endpoint: up.url, api_version: '2024-10-21', ...azure },
  };
}

function configWith(keys) {
  return { providers: { azure: { keys, network_config: { default_request_timeout_in_seconds: 10 } } } };
}

const claude = (gw, model = 'azure/claude-sonnet-4-6') => request(`${gw.url}/anthropic/v1/messages`, {
  method: 'POST', headers: { 'anthropic-version': '2023-06-01' },
  body: { model, max_tokens: 16, messages: [{ role: 'user', content: 'hello' }] },
});
const gpt = (gw) => request(`${gw.url}/v1/chat/completions`, {
  method: 'POST', body: { model: 'azure/gpt-4o', messages: [{ role: 'user', content: 'hello' }] },
});

const isTokenCall = (r) => /\/oauth2\/v2\.0\/token$/.test(r.path) || r.path === '/metadata/identity/oauth2/token' || r.path === '/msi/token';
const tokenCalls = async (up) => (await up.requests()).filter(isTokenCall);
const inferenceCalls = async (up) => (await up.requests()).filter((r) => !isTokenCall(r));
const form = (rec) => Object.fromEntries(new URLSearchParams(rec.raw_body));
const bearerOf = (rec) => /^Bearer (.+)$/.exec(rec.headers.authorization ?? '')?.[1];

function assertNoSecrets(gw, secrets, extraText = '') {
  const text = gw.stderr() + gw.stdout() + extraText;
  for (const s of secrets) assert.ok(!text.includes(s), `secret ${s.slice(0, 6)}... leaked into logs or responses`);
}

/** Every access token the gateway sent upstream (secrets that must not be logged). */
async function issuedTokens(up) {
  return [...new Set((await inferenceCalls(up)).map(bearerOf).filter(Boolean))];
}

test('service principal (client secret): token reaches Claude and GPT deployments as Bearer, one token request', async () => {
  const up = await startFakeUpstream();
  await up.entra({ tenants: [TENANT], clients: { 'sp-client-id-123': { secret: 'sp-secret-VALUE-1' } } });
  // `value` is set too: a complete service principal still wins (precedence).
  const gw = await startGateway({
    config: configWith([azureKey(up, 'sp', { value: 'azure-fake-key' },
      { client_id: 'sp-client-id-123', client_secret: 'sp-secret-VALUE-1', tenant_id: TENANT, authority_host: up.url })]),
    env: isolatedEnv(up), args: ['--log-level', 'trace'],
  });
  let r = await claude(gw);
  assert.equal(r.status, 200, r.text);
  r = await gpt(gw);
  assert.equal(r.status, 200, r.text);
  // count_tokens goes to Azure with the token too (and falls back to an estimate on Azure's 404).
  const count = await request(`${gw.url}/anthropic/v1/messages/count_tokens`, {
    method: 'POST', headers: { 'anthropic-version': '2023-06-01' },
    body: { model: 'azure/claude-sonnet-4-6', messages: [{ role: 'user', content: 'hello' }] },
  });
  assert.equal(count.status, 200, count.text);
  assert.equal(count.headers['x-heimdall-token-count'], 'estimated');
  const counted = (await inferenceCalls(up)).pop();
  assert.equal(counted.path, '/anthropic/v1/messages/count_tokens');
  assert.match(bearerOf(counted), /^entra-secret-1-/);

  const tokens = await tokenCalls(up);
  assert.equal(tokens.length, 1, 'one token for both deployments (same credential and scope)');
  assert.equal(tokens[0].method, 'POST');
  assert.equal(tokens[0].path, `/${TENANT}/oauth2/v2.0/token`);
  assert.match(tokens[0].headers['content-type'], /^application\/x-www-form-urlencoded/);
  assert.deepEqual(form(tokens[0]), {
    grant_type: 'client_credentials', client_id: 'sp-client-id-123', scope: SCOPE, client_secret: 'sp-secret-VALUE-1',
  });
  const calls = (await inferenceCalls(up)).slice(0, 2);
  for (const c of calls) {
    assert.match(bearerOf(c), /^entra-secret-1-/);
    assert.equal(c.headers['api-key'], undefined);
    assert.equal(c.headers['x-api-key'], undefined);
  }
  assert.equal(calls[0].path, '/anthropic/v1/messages');
  assert.equal(calls[1].path, '/openai/deployments/my-gpt4o-deployment/chat/completions');
  assertNoSecrets(gw, ['sp-secret-VALUE-1', bearerOf(calls[0])], r.text);
  await gw.stop();
});

test('the seed article\'s Entra ID service principal config works as printed', async () => {
  const up = await startFakeUpstream();
  await up.entra({ tenants: ['article-tenant'], clients: { 'article-client': { secret: 'article-secret-7' } } });
  const config = {
    providers: {
      azure: {
        keys: [{
          name: 'azure-entra-key', value: '', models: ['*'], weight: 1.0,
          aliases: { 'claude-sonnet-4-6': 'my-claude-sonnet-deployment', 'gpt-4o': 'my-gpt4o-deployment' },
          azure_key_config: {
            endpoint: 'env.AZURE_ENDPOINT', client_id: 'env.AZURE_CLIENT_ID', client_secret: 'env.AZURE_CLIENT_SECRET',
            tenant_id: 'env.AZURE_TENANT_ID', scopes: ['<https://cognitiveservices.azure.com/.default>'],
            api_version: '2024-08-01-preview',
          },
        }],
      },
    },
  };
  const gw = await startGateway({
    config,
    env: isolatedEnv(up, { AZURE_ENDPOINT: up.url, AZURE_CLIENT_ID: 'article-client', AZURE_CLIENT_SECRET: 'article-secret-7', AZURE_TENANT_ID: 'article-tenant' }),
  });
  let r = await claude(gw);
  assert.equal(r.status, 200, r.text);
  r = await gpt(gw);
  assert.equal(r.status, 200, r.text);
  const tokens = await tokenCalls(up);
  assert.equal(tokens.length, 1);
  assert.equal(form(tokens[0]).scope, SCOPE);
  const calls = await inferenceCalls(up);
  assert.equal(calls[1].query['api-version'], '2024-08-01-preview');
  for (const c of calls) assert.match(bearerOf(c), /^entra-secret-/);
  assertNoSecrets(gw, ['article-secret-7', ...(await issuedTokens(up))]);
  await gw.stop();
});

test('scopes: blank entries trimmed, the list replaces the default; a rejected secret is a 401 naming the source', async () => {
  const up = await startFakeUpstream();
  await up.entra({ clients: { 'sp-2': { secret: 'right-secret' } } });
  const gw = await startGateway({
    config: configWith([
      azureKey(up, 'foundry', { models: ['claude-sonnet-4-6'] },
        { client_id: 'sp-2', client_secret: 'right-secret', tenant_id: TENANT, scopes: ['  https://ai.azure.com/.default ', '  ', ''] }),
      azureKey(up, 'wrong', { models: ['claude-haiku-4-5'], aliases: { 'claude-haiku-4-5': 'my-claude-haiku' } },
        { client_id: 'sp-2', client_secret: 'wrong-secret-XYZ', tenant_id: TENANT }),
    ]),
    env: isolatedEnv(up),
  });
  let r = await claude(gw);
  assert.equal(r.status, 200, r.text);
  let tokens = await tokenCalls(up);
  assert.equal(form(tokens[0]).scope, 'https://ai.azure.com/.default');

  r = await claude(gw, 'azure/claude-haiku-4-5');
  assert.equal(r.status, 401, r.text);
  assert.equal(r.json.error.type, 'authentication_error');
  assert.match(r.json.error.message, /service principal \(tenant tenant-0000-fake, client sp-2\)/);
  assert.match(r.json.error.message, /AADSTS7000215/);
  assert.ok(!r.text.includes('wrong-secret-XYZ'));
  tokens = await tokenCalls(up);
  assert.equal(tokens.length, 2);
  assert.equal((await inferenceCalls(up)).length, 1, 'no upstream call without a token');
  assertNoSecrets(gw, ['wrong-secret-XYZ', 'right-secret']);
  await gw.stop();
});

test('precedence: API key when only value is set; default chain (environment) when neither', async () => {
  const up = await startFakeUpstream();
  await up.entra({ clients: { 'env-client': { secret: 'env-secret-S3' } } });
  const gw = await startGateway({
    config: configWith([
      azureKey(up, 'api', { value: 'azure-fake-key', models: ['claude-api'], aliases: {} }),
      azureKey(up, 'chain', { models: ['claude-chain'], aliases: {} }),
    ]),
    env: isolatedEnv(up, { AZURE_CLIENT_ID: 'env-client', AZURE_CLIENT_SECRET: 'env-secret-S3', AZURE_TENANT_ID: 'env-tenant' }),
  });
  let r = await claude(gw, 'azure/claude-api');
  assert.equal(r.status, 200, r.text);
  assert.equal((await tokenCalls(up)).length, 0, 'an API key needs no token');
  r = await claude(gw, 'azure/claude-chain');
  assert.equal(r.status, 200, r.text);
  const [api, chain] = await inferenceCalls(up);
  assert.equal(api.headers['x-api-key'], 'azure-fake-key');
  assert.equal(api.headers.authorization, undefined);
  assert.equal(chain.headers['x-api-key'], undefined);
  assert.match(bearerOf(chain), /^entra-secret-/);
  const tokens = await tokenCalls(up);
  assert.equal(tokens.length, 1);
  assert.equal(tokens[0].path, '/env-tenant/oauth2/v2.0/token');
  assert.equal(form(tokens[0]).client_id, 'env-client');
  await gw.waitForLog(/DefaultAzureCredential: using service principal \(tenant env-tenant, client env-clie/);
  assertNoSecrets(gw, ['env-secret-S3', bearerOf(chain)]);
  await gw.stop();
});

test('certificate credential: signed client assertion (RS256, x5t), encrypted key with password', async () => {
  const dir = tmpDir('heimdall-cert-');
  const f = (n) => path.join(dir, n);
  const openssl = (...args) => execFileSync('openssl', args, { stdio: 'pipe' });
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('key.pem'), '-out', f('cert.pem'), '-days', '2', '-subj', '/CN=heimdall-test-app');
  openssl('pkey', '-in', f('key.pem'), '-aes256', '-passout', 'pass:cert-pass-P9', '-out', f('key.enc.pem'));
  const cert = fs.readFileSync(f('cert.pem'), 'utf8');
  fs.writeFileSync(f('both.pem'), cert + fs.readFileSync(f('key.pem'), 'utf8'));
  const encrypted = cert + fs.readFileSync(f('key.enc.pem'), 'utf8');

  const up = await startFakeUpstream();
  await up.entra({ tenants: [TENANT], clients: { 'cert-client': { certificate: cert } } });
  const gw = await startGateway({
    config: configWith([
      azureKey(up, 'cert-file', { models: ['claude-sonnet-4-6'], aliases: { 'claude-sonnet-4-6': 'my-claude-deployment' } },
        { client_id: 'cert-client', tenant_id: TENANT, client_certificate: f('both.pem') }),
      azureKey(up, 'cert-inline', { models: ['gpt-4o'], aliases: { 'gpt-4o': 'my-gpt4o-deployment' } },
        { client_id: 'cert-client', tenant_id: TENANT, client_certificate: 'env.TEST_CERT_PEM', client_certificate_password: 'env.TEST_CERT_PASS' }),
    ]),
    env: isolatedEnv(up, { TEST_CERT_PEM: encrypted, TEST_CERT_PASS: 'cert-pass-P9' }),
  });
  let r = await claude(gw);
  assert.equal(r.status, 200, r.text);
  r = await gpt(gw);
  assert.equal(r.status, 200, r.text);
  const tokens = await tokenCalls(up);
  assert.equal(tokens.length, 2, 'two credentials (file and inline) each fetch once');
  for (const t of tokens) {
    assert.equal(t.status, 200);
    const fields = form(t);
    assert.equal(fields.client_assertion_type, 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
    assert.equal(fields.client_secret, undefined);
    const [h, c] = fields.client_assertion.split('.').slice(0, 2).map((p) => JSON.parse(Buffer.from(p, 'base64url').toString()));
    assert.equal(h.alg, 'RS256');
    assert.equal(c.aud, `${up.url}/${TENANT}/oauth2/v2.0/token`);
    assert.equal(c.iss, 'cert-client');
  }
  for (const c of await inferenceCalls(up)) assert.match(bearerOf(c), /^entra-cert-/);
  assertNoSecrets(gw, ['cert-pass-P9', 'PRIVATE KEY', ...(await issuedTokens(up))]);
  await gw.stop();
});

test('workload identity: federated token file, re-read when it rotates at refresh', async () => {
  const dir = tmpDir('heimdall-wi-');
  const file = path.join(dir, 'token');
  fs.writeFileSync(file, 'federated-jwt-ONE\n');
  const up = await startFakeUpstream();
  // 4 s tokens: refreshed at half-life (2 s).
  await up.entra({ expires_in: 4, clients: { 'wi-client': { federated_token: 'federated-jwt-ONE' } } });
  const gw = await startGateway({
    config: configWith([azureKey(up, 'wi')]),
    env: isolatedEnv(up, { AZURE_FEDERATED_TOKEN_FILE: file, AZURE_CLIENT_ID: 'wi-client', AZURE_TENANT_ID: 'wi-tenant' }),
  });
  let r = await claude(gw);
  assert.equal(r.status, 200, r.text);
  let tokens = await tokenCalls(up);
  assert.equal(tokens.length, 1);
  assert.equal(tokens[0].path, '/wi-tenant/oauth2/v2.0/token');
  assert.equal(form(tokens[0]).client_assertion, 'federated-jwt-ONE');
  assert.equal(form(tokens[0]).client_assertion_type, 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
  const first = bearerOf((await inferenceCalls(up))[0]);

  // Kubernetes rotates the projected token; the old one is no longer accepted.
  fs.writeFileSync(file, 'federated-jwt-TWO\n');
  await up.entra({ clients: { 'wi-client': { federated_token: 'federated-jwt-TWO' } } });
  await waitFor(async () => {
    const res = await claude(gw);
    assert.equal(res.status, 200, res.text);
    return (await tokenCalls(up)).some((t) => t.status === 200 && form(t).client_assertion === 'federated-jwt-TWO');
  }, { timeoutMs: 8000, intervalMs: 200, message: 'no refresh with the rotated federated token' });
  tokens = await tokenCalls(up);
  assert.ok(tokens.every((t) => t.status === 200), 'the rotated file was read, never the stale token');
  r = await claude(gw);
  assert.equal(r.status, 200);
  const calls = await inferenceCalls(up);
  assert.notEqual(bearerOf(calls.at(-1)), first, 'the refreshed token is in use');
  assertNoSecrets(gw, ['federated-jwt-ONE', 'federated-jwt-TWO', first, bearerOf(calls.at(-1))]);
  await gw.stop();
});

test('managed identity on App Service: IDENTITY_ENDPOINT + X-IDENTITY-HEADER', async () => {
  const up = await startFakeUpstream();
  await up.entra({ managed_identities: ['system'], identity_header: 'identity-header-SECRET' });
  const gw = await startGateway({
    config: configWith([azureKey(up, 'msi')]),
    env: isolatedEnv(up, { IDENTITY_ENDPOINT: `${up.url}/msi/token`, IDENTITY_HEADER: 'identity-header-SECRET' }),
  });
  let r = await gpt(gw);
  assert.equal(r.status, 200, r.text);
  r = await claude(gw);
  assert.equal(r.status, 200, r.text);
  const tokens = await tokenCalls(up);
  assert.equal(tokens.length, 1);
  assert.equal(tokens[0].method, 'GET');
  assert.equal(tokens[0].path, '/msi/token');
  assert.deepEqual(tokens[0].query, { 'api-version': '2019-08-01', resource: 'https://cognitiveservices.azure.com' });
  assert.equal(tokens[0].headers['x-identity-header'], 'identity-header-SECRET');
  for (const c of await inferenceCalls(up)) assert.match(bearerOf(c), /^entra-appservice-/);
  assertNoSecrets(gw, ['identity-header-SECRET', ...(await issuedTokens(up))]);
  await gw.stop();
});

test('managed identity via IMDS: user-assigned identity selected by the key client_id', async () => {
  const up = await startFakeUpstream();
  await up.entra({ managed_identities: ['user-assigned-mi'] });
  const gw = await startGateway({
    // No IMDS env override here: the key's imds_endpoint points at the fake.
    config: configWith([azureKey(up, 'imds', {}, { client_id: 'user-assigned-mi', imds_endpoint: up.url })]),
    env: { ...isolatedEnv(up), AZURE_POD_IDENTITY_AUTHORITY_HOST: await closedPortUrl() },
  });
  const r = await claude(gw);
  assert.equal(r.status, 200, r.text);
  const tokens = await tokenCalls(up);
  assert.equal(tokens.length, 1);
  assert.equal(tokens[0].path, '/metadata/identity/oauth2/token');
  assert.deepEqual(tokens[0].query, { 'api-version': '2018-02-01', resource: 'https://cognitiveservices.azure.com', client_id: 'user-assigned-mi' });
  assert.equal(tokens[0].headers.metadata, 'true');
  assert.match(bearerOf((await inferenceCalls(up))[0]), /^entra-imds-/);
  await gw.waitForLog(/DefaultAzureCredential: using managed identity \(IMDS http:\/\/127\.0\.0\.1:\d+, client user-ass/);
  await gw.stop();
});

test('Azure CLI: `az account get-access-token` on PATH after the other steps do not apply', async () => {
  const bin = tmpDir('heimdall-az-');
  const argsFile = path.join(bin, 'args.json');
  fs.writeFileSync(path.join(bin, 'az'), `#!${process.execPath}
const fs = require('node:fs');
fs.writeFileSync(${JSON.stringify(argsFile)}, JSON.stringify(process.argv.slice(2)));
const exp = Math.floor(Date.now() / 1000) + 3600;
process.stdout.write(JSON.stringify({ accessToken: 'cli-access-token-Q1', expiresOn: '2099-01-01 00:00:00.000000', expires_on: exp, subscription: 'sub', tenant: 't', tokenType: 'Bearer' }, null, 2));
`, { mode: 0o755 });
  const up = await startFakeUpstream();
  await up.config({ azure_tokens: ['cli-access-token-Q1'] });
  const gw = await startGateway({
    config: configWith([azureKey(up, 'cli')]),
    env: isolatedEnv(up, { PATH: bin, AZURE_POD_IDENTITY_AUTHORITY_HOST: await closedPortUrl() }),
  });
  let r = await claude(gw);
  assert.equal(r.status, 200, r.text);
  r = await gpt(gw);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(JSON.parse(fs.readFileSync(argsFile, 'utf8')), ['account', 'get-access-token', '--output', 'json', '--scope', SCOPE]);
  for (const c of await inferenceCalls(up)) assert.equal(bearerOf(c), 'cli-access-token-Q1');
  await gw.waitForLog(/DefaultAzureCredential: using Azure CLI/);
  assertNoSecrets(gw, ['cli-access-token-Q1']);
  await gw.stop();
});

test('default chain with nothing available: a 401 listing every step, in both API shapes, quickly', async () => {
  const up = await startFakeUpstream();
  const gw = await startGateway({
    config: configWith([azureKey(up, 'nothing')]),
    env: isolatedEnv(up, { AZURE_POD_IDENTITY_AUTHORITY_HOST: await closedPortUrl() }),
  });
  const t0 = Date.now();
  let r = await claude(gw);
  assert.ok(Date.now() - t0 < 5000, 'every step is skipped or fails fast');
  assert.equal(r.status, 401, r.text);
  assert.equal(r.json.type, 'error');
  const msg = r.json.error.message;
  assert.match(msg, /provider "azure": key "nothing" \(default credential chain\): DefaultAzureCredential found no usable Azure credential/);
  assert.match(msg, /environment: skipped \(AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET/);
  assert.match(msg, /workload identity: skipped \(AZURE_FEDERATED_TOKEN_FILE is not set\)/);
  assert.match(msg, /; managed identity \(IMDS http:\/\/127\.0\.0\.1:\d+, system-assigned\): token request to .* failed/);
  assert.match(msg, /Azure CLI: skipped \(az not found on PATH\)/);
  r = await gpt(gw);
  assert.equal(r.status, 401, r.text);
  assert.match(r.json.error.message, /DefaultAzureCredential found no usable Azure credential/);
  assert.equal((await inferenceCalls(up)).length, 0);
  await gw.stop();
});

test('concurrent cold start on 4 workers: exactly one token request, shared by all', async () => {
  const up = await startFakeUpstream();
  await up.entra({ delay_ms: 300, clients: { 'sp-c': { secret: 'sp-c-secret' } } });
  const gw = await startGateway({
    config: configWith([azureKey(up, 'sp', {}, { client_id: 'sp-c', client_secret: 'sp-c-secret', tenant_id: TENANT })]),
    env: isolatedEnv(up), args: ['--workers', '4'],
  });
  const results = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? claude(gw) : gpt(gw))));
  for (const r of results) assert.equal(r.status, 200, r.text);
  assert.equal((await tokenCalls(up)).length, 1);
  const bearers = new Set((await inferenceCalls(up)).map(bearerOf));
  assert.equal(bearers.size, 1);
  await gw.stop();
});

test('refresh before expiry under concurrent load: one background refresh, no request waits for it', async () => {
  const up = await startFakeUpstream();
  // 6 s tokens: refresh at half-life (3 s), in use until 5.4 s. The refresh takes 1.5 s.
  await up.entra({ expires_in: 6, clients: { 'sp-r': { secret: 'sp-r-secret' } } });
  const gw = await startGateway({
    config: configWith([azureKey(up, 'sp', {}, { client_id: 'sp-r', client_secret: 'sp-r-secret', tenant_id: TENANT })]),
    env: isolatedEnv(up), args: ['--workers', '4'],
  });
  let r = await claude(gw);
  assert.equal(r.status, 200, r.text);
  const acquired = Date.now();
  const first = bearerOf((await inferenceCalls(up))[0]);
  await up.entra({ delay_ms: 1500 });
  // Wait (bounded) until the refresh point has passed.
  await waitFor(() => Date.now() - acquired > 3200, { timeoutMs: 5000 });
  const t0 = Date.now();
  const results = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? claude(gw) : gpt(gw))));
  const elapsed = Date.now() - t0;
  for (const res of results) assert.equal(res.status, 200, res.text);
  assert.ok(elapsed < 1500, `no request waited for the refresh (${elapsed} ms)`);
  const burst = (await inferenceCalls(up)).slice(1);
  assert.equal(burst.length, 40);
  assert.ok(burst.every((c) => bearerOf(c) === first), 'the burst used the still-valid token');
  await waitFor(async () => (await tokenCalls(up)).filter((t) => t.status === 200).length === 2, { timeoutMs: 5000 });
  await waitFor(async () => {
    const res = await claude(gw);
    assert.equal(res.status, 200);
    const last = (await inferenceCalls(up)).at(-1);
    return bearerOf(last) !== first;
  }, { timeoutMs: 3000, message: 'the refreshed token was never used' });
  assert.equal((await tokenCalls(up)).length, 2, 'exactly one refresh for the whole burst');
  await gw.stop();
});

test('token service fails mid-run: the valid token keeps serving, then a clear 502, then recovery', async () => {
  const up = await startFakeUpstream();
  await up.entra({ expires_in: 4, clients: { 'sp-f': { secret: 'sp-f-secret' } } });
  const gw = await startGateway({
    config: configWith([azureKey(up, 'sp', {}, { client_id: 'sp-f', client_secret: 'sp-f-secret', tenant_id: TENANT })]),
    env: isolatedEnv(up),
  });
  let r = await claude(gw);
  assert.equal(r.status, 200, r.text);
  const acquired = Date.now();
  const first = bearerOf((await inferenceCalls(up))[0]);
  await up.entra({ fail: { status: 503 } });
  // Past the refresh point: the refresh fails, requests still succeed with the current token.
  await waitFor(() => Date.now() - acquired > 2200, { timeoutMs: 5000 });
  r = await gpt(gw);
  assert.equal(r.status, 200, r.text);
  await waitFor(async () => (await tokenCalls(up)).some((t) => t.status === 503), { timeoutMs: 3000 });
  assert.equal(bearerOf((await inferenceCalls(up)).at(-1)), first);
  await gw.waitForLog(/Entra ID token request failed .*the current token stays in use; retrying in \d+ ms/);

  // Once the token is past use: a 502 naming the credential source and the service's answer.
  r = await waitFor(async () => {
    const res = await claude(gw);
    return res.status !== 200 ? res : null;
  }, { timeoutMs: 5000, intervalMs: 100 });
  assert.equal(r.status, 502, r.text);
  assert.match(r.json.error.message,
    /provider "azure": key "sp" \(service principal\): the Entra ID token from service principal \(tenant tenant-0000-fake, client sp-f\) has expired and could not be refreshed: .*HTTP 503: temporarily_unavailable: AADSTS90033/);
  const o = await gpt(gw);
  assert.equal(o.status, 502);
  assert.match(o.json.error.message, /has expired and could not be refreshed/);
  // Backoff: far fewer token requests than client requests.
  const failedCalls = (await tokenCalls(up)).filter((t) => t.status === 503).length;
  assert.ok(failedCalls <= 4, `retries back off (${failedCalls} failed token requests)`);

  await up.entra({ fail: null });
  await waitFor(async () => (await claude(gw)).status === 200, { timeoutMs: 10000, intervalMs: 200, message: 'no recovery after the token service came back' });
  assertNoSecrets(gw, ['sp-f-secret', first], r.text + o.text);
  await gw.stop();
});

test('an Entra ID key added through the management API works at once; its secret is never returned', async () => {
  const up = await startFakeUpstream();
  await up.entra({ clients: { 'api-client': { secret: 'api-added-secret-Z' } } });
  const gw = await startGateway({ env: isolatedEnv(up) });
  const api = (p, body) => request(`${gw.url}${p}`, { method: body ? 'POST' : 'GET', body });
  let r = await api('/api/providers', { provider: 'azure' });
  assert.ok(r.status < 300, r.text);
  r = await api('/api/providers/azure/keys', {
    name: 'entra-via-api', value: '', models: ['*'], aliases: { 'claude-sonnet-4-6': 'my-claude-deployment' },
    azure_key_config: { endpoint: up.url, client_id: 'api-client', client_secret: 'api-added-secret-Z', tenant_id: TENANT },
  });
  assert.ok(r.status < 300, r.text);
  r = await claude(gw);
  assert.equal(r.status, 200, r.text);
  assert.match(bearerOf((await inferenceCalls(up))[0]), /^entra-secret-/);
  assert.equal(form((await tokenCalls(up))[0]).client_secret, 'api-added-secret-Z');
  const listed = await api('/api/providers/azure/keys');
  assert.equal(listed.status, 200);
  assert.ok(!listed.text.includes('api-added-secret-Z'), listed.text);
  assertNoSecrets(gw, ['api-added-secret-Z', ...(await issuedTokens(up))]);
  await gw.stop();
});
