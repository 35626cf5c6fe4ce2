// The pkce-spa demo page: a single-page app with no framework, using the real SDK build
// (/dist/pkce-spa.iife.js, global PkceSpa) and the settings of the running servers (/config.json).
//
// Everything the "step by step" column shows is observed from the outside, through two options
// every app can pass to createPkceClient: `fetch` (sees the token, JWKS, revocation and API
// requests) and `navigate` (sees the /authorize and end-session URLs). Nothing in the SDK is
// patched. Those demo-only observations live in this tab's sessionStorage, never in a URL.

/* global PkceSpa */

// Read before handleRedirect() removes code, state and iss from the address bar.
const LANDING_URL = location.href;
const FLOW_KEY = 'pkce-spa-demo:flow';

// ---------------------------------------------------------------------------------------------
// Small helpers

const $ = (id) => document.getElementById(id);

/** Builds an element; children may be strings, nodes, arrays, or null (skipped). */
function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = value;
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/**
 * Tokens are shown shortened, never whole. JWTs all start with the same header characters,
 * so they keep a few characters of the signature to tell one from the next.
 */
function short(value) {
  if (typeof value !== 'string' || !value) return value ?? '—';
  if (value.split('.').length === 3) return value.length > 20 ? `${value.slice(0, 12)}…${value.slice(-6)}` : value;
  return value.length > 14 ? `${value.slice(0, 12)}…` : value;
}

function base64UrlToText(part) {
  const base64 = part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '=');
  const binary = atob(base64);
  return new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
}

/** Decodes a JWT's header and payload for display. It does NOT verify anything. */
function decodeJwt(token) {
  if (typeof token !== 'string') return null;
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  try {
    return { header: JSON.parse(base64UrlToText(parts[0])), payload: JSON.parse(base64UrlToText(parts[1])) };
  } catch {
    return null;
  }
}

/** BASE64URL(SHA-256(ASCII(verifier))): RFC 7636 §4.2, recomputed in the page with WebCrypto. */
async function s256(verifier) {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  return btoa(String.fromCharCode(...digest)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

const time = (at) => (at ? new Date(at).toLocaleTimeString([], { hour12: false }) : '');
const ms = (value) => `${Math.round(value)} ms`;

async function readBody(response) {
  const text = await response.text();
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return text;
  }
}

// ---------------------------------------------------------------------------------------------
// The observed flow (demo-only display data, in sessionStorage)

let flow = readFlow();
let lastDiscovery;

function readFlow() {
  try {
    return JSON.parse(sessionStorage.getItem(FLOW_KEY) ?? '{}') ?? {};
  } catch {
    return {};
  }
}

function saveFlow() {
  try {
    sessionStorage.setItem(FLOW_KEY, JSON.stringify(flow));
  } catch {
    // Display data only: a full or disabled storage just means the steps are not kept.
  }
  renderSteps();
}

/** The `fetch` option: passes every request straight through and looks at a copy of the answer. */
function observedFetch(input, init) {
  const seen = describeRequest(input, init);
  const started = performance.now();
  // fetch() is called synchronously, so observing changes no timing.
  return fetch(input, init).then(
    (response) => {
      const copy = response.clone();
      observe(seen, copy, started, performance.now()).catch(() => undefined);
      return response;
    },
    (error) => {
      if (seen.kind === 'token' || seen.kind === 'refresh') {
        record(seen.kind, { failed: error?.name === 'TimeoutError' ? 'timed out' : 'no answer (network error)' });
      }
      throw error;
    },
  );
}

function describeRequest(input, init = {}) {
  const request = input instanceof Request ? input : undefined;
  const url = new URL(request ? request.url : String(input), location.href);
  const method = (init.method ?? request?.method ?? 'GET').toUpperCase();
  const body =
    init.body instanceof URLSearchParams ? new URLSearchParams(init.body)
      : typeof init.body === 'string' ? new URLSearchParams(init.body)
        : undefined;
  const authorization = new Headers(init.headers ?? request?.headers).get('authorization');
  let kind = 'other';
  if (body?.get('grant_type') === 'authorization_code') kind = 'token';
  else if (body?.get('grant_type') === 'refresh_token') kind = 'refresh';
  else if (body?.has('token') && method === 'POST') kind = 'revocation';
  else if (url.pathname.endsWith('/.well-known/openid-configuration')) kind = 'discovery';
  else if (authorization) kind = 'api';
  else if (method === 'GET') kind = 'maybe-jwks';
  return { url, method, body, authorization, kind };
}

function record(kind, data) {
  if (kind === 'refresh') {
    flow.refreshes = [...(flow.refreshes ?? []), data];
  } else if (kind === 'token') {
    flow.token = { ...flow.token, ...data };
  }
  saveFlow();
}

async function observe(seen, response, started, headersAt) {
  const endpoint = seen.url.origin + seen.url.pathname;
  switch (seen.kind) {
    case 'discovery':
      lastDiscovery = { url: seen.url.href, status: response.status };
      flow.discovery = lastDiscovery;
      saveFlow();
      return;

    case 'token': {
      const body = (await readBody(response)) ?? {};
      const ended = performance.now();
      const fields = Object.fromEntries(seen.body);
      const verifier = fields.code_verifier;
      const computed = verifier ? await s256(verifier) : undefined;
      const challenge = flow.authorize?.params?.code_challenge;
      const idToken = decodeJwt(body.id_token);
      flow.token = {
        endpoint,
        at: Date.now(),
        fields: { ...fields, code: short(fields.code) },
        verifier, // already spent: the code it protects has just been redeemed
        computed,
        matches: Boolean(challenge) && computed === challenge,
        status: response.status,
        response: tokenSummary(body),
        idTokenHeader: idToken ? { kid: idToken.header.kid, alg: idToken.header.alg } : undefined,
        timing: { start: started, headers: headersAt, end: ended },
      };
      saveFlow();
      return;
    }

    case 'refresh': {
      const body = (await readBody(response)) ?? {};
      const old = seen.body.get('refresh_token');
      record('refresh', {
        at: Date.now(),
        status: response.status,
        old: short(old),
        next: short(body.refresh_token),
        rotated: Boolean(body.refresh_token) && body.refresh_token !== old,
        access: short(body.access_token),
        expiresIn: body.expires_in,
        error: body.error,
        errorDescription: body.error_description,
      });
      return;
    }

    case 'revocation':
      flow.signout = {
        ...flow.signout,
        revocation: { endpoint, status: response.status, token: short(seen.body.get('token')), hint: seen.body.get('token_type_hint') },
      };
      saveFlow();
      return;

    case 'api': {
      const body = await readBody(response);
      flow.api = {
        at: Date.now(),
        method: seen.method,
        url: seen.url.href,
        authorization: seen.authorization.replace(/^(\S+) (.+)$/, (_, scheme, token) => `${scheme} ${short(token)}`),
        status: response.status,
        body,
        wwwAuthenticate: response.headers.get('www-authenticate') ?? undefined,
        calls: (flow.api?.calls ?? 0) + 1,
      };
      saveFlow();
      return;
    }

    case 'maybe-jwks': {
      const body = await readBody(response);
      if (!body || !Array.isArray(body.keys)) return;
      const keys = body.keys.map(({ kid, kty, alg, use, crv }) => ({ kid, kty, alg, use, crv }));
      // The first fetch of this sign-in keeps its timing; a later refetch (key rotation) only its keys.
      flow.jwks = {
        url: seen.url.href,
        keys,
        status: response.status,
        timing: flow.jwks?.timing ?? { start: started, end: performance.now() },
      };
      saveFlow();
      return;
    }
    default:
  }
}

function tokenSummary(body) {
  if (body.error) return { error: body.error, error_description: body.error_description };
  return {
    token_type: body.token_type,
    expires_in: body.expires_in,
    scope: body.scope,
    access_token: short(body.access_token),
    id_token: short(body.id_token),
    refresh_token: short(body.refresh_token),
  };
}

/** The `navigate` option: note the URL for the steps view, then go there as the SDK would. */
function observedNavigate(url) {
  const target = new URL(url);
  const endpoint = target.origin + target.pathname;
  if (target.searchParams.has('code_challenge')) {
    flow.authorize = { at: Date.now(), endpoint, url: target.href, params: Object.fromEntries(target.searchParams) };
  } else {
    const params = Object.fromEntries(target.searchParams);
    if (params.id_token_hint) params.id_token_hint = short(params.id_token_hint);
    flow.signout = { ...flow.signout, at: Date.now(), pending: true, endSession: { endpoint, params } };
  }
  saveFlow();
  location.assign(url);
}

function recordCallback(url) {
  const params = Object.fromEntries(url.searchParams);
  const sentState = flow.authorize?.params?.state;
  flow.callback = {
    at: Date.now(),
    path: url.pathname,
    code: params.code ? short(params.code) : undefined,
    state: short(params.state),
    stateMatches: sentState !== undefined && params.state === sentState,
    iss: params.iss,
    issMatches: params.iss === undefined ? undefined : params.iss === config?.issuer,
    error: params.error,
    errorDescription: params.error_description,
  };
  // A new callback: whatever follows belongs to it, not to an earlier sign-in.
  delete flow.token;
  delete flow.jwks;
  delete flow.verified;
  delete flow.api;
  delete flow.refreshes;
  delete flow.signout;
  saveFlow();
}

// ---------------------------------------------------------------------------------------------
// Errors, as a person wants to read them

/** Turns an SDK error into { title, help, detail, action }; action 'sign-in' offers a new sign-in. */
function explain(err) {
  const detailParts = [];
  if (err?.errorDescription) detailParts.push(err.errorDescription);
  else if (err?.message) detailParts.push(err.message);
  const codes = [err?.code && `code: ${err.code}`, err?.error && `error: ${err.error}`].filter(Boolean).join(', ');
  const detail = `Details: ${detailParts.join(' ') || 'none'}${codes ? ` (${codes})` : ''}`;
  const base = { detail, action: 'retry' };

  switch (err?.code) {
    case 'oauth_error':
      switch (err.error) {
        case 'access_denied':
          return { ...base, action: 'sign-in', title: 'You cancelled the sign-in at the consent page.',
            help: 'Nothing was shared with this app. Sign in again whenever you are ready.' };
        case 'login_required':
        case 'consent_required':
        case 'interaction_required':
          return { ...base, action: 'sign-in', title: 'The authorization server needs you to sign in again.',
            help: 'Your session there has ended or needs your confirmation.' };
        case 'invalid_grant':
          return { ...base, action: 'sign-in', title: 'The authorization server refused the sign-in code.',
            help: 'Codes work once and only for a short time. Sign in again.' };
        default:
          return { ...base, action: 'sign-in', title: `The authorization server refused the sign-in (${err.error}).`,
            help: 'Sign in again; if it keeps happening, the details below say why.' };
      }
    case 'invalid_state':
      return { ...base, action: 'sign-in', title: 'This sign-in link was already used or has expired — sign in again.',
        help: 'The callback does not match a sign-in started in this tab, so its code was not exchanged. A reloaded, replayed or forged callback looks exactly like this.' };
    case 'invalid_issuer':
      return { ...base, action: 'sign-in', title: 'This sign-in answer names the wrong server, so it was refused.',
        help: 'Its "iss" is not the authorization server you signed in at (RFC 9207 mix-up protection). The code was not exchanged.' };
    case 'invalid_id_token':
      return { ...base, action: 'sign-in', title: 'The ID token failed verification, so the sign-in was refused.',
        help: 'Its signature, issuer, audience, expiry or nonce did not check out. No tokens were kept.' };
    case 'invalid_response':
      return { ...base, action: 'sign-in', title: 'The authorization server sent an answer the app cannot accept.',
        help: 'No tokens were kept. Sign in again; if it keeps happening, the details below say what was wrong.' };
    case 'network_error':
    case 'timeout':
      return { ...base, title: err.code === 'timeout' ? 'The server took too long to answer.' : 'The server could not be reached.',
        help: 'Check that the demo servers are running and your connection works, then try again.' };
    case 'login_required':
      if (err.error === 'invalid_grant') {
        return { ...base, action: 'sign-in', title: 'Your session has ended: the server refused the refresh token.',
          help: 'It was revoked, or an old, already-replaced refresh token was used again, which ends the whole session. Sign in again.' };
      }
      return { ...base, action: 'sign-in', title: 'You are signed out — sign in again.',
        help: 'Tokens live in this page\'s memory only, so a reload or an expired session signs you out here.' };
    case 'invalid_config':
      return { ...base, action: 'none', title: 'The demo is misconfigured.', help: 'Check /config.json and the SDK options.' };
    default:
      return { ...base, title: 'Something went wrong.', help: 'Try again.' };
  }
}

function explainApi(status, wwwAuthenticate, body, tampered) {
  const description = body && typeof body === 'object' ? body.error_description ?? body.error : undefined;
  const detail = description ? `Details: ${description}` : '';
  const header = wwwAuthenticate ? `WWW-Authenticate: ${wwwAuthenticate}` : undefined;
  if (status === 401 && /invalid_token/.test(wwwAuthenticate ?? '')) {
    return {
      title: 'The API refused the access token (HTTP 401).',
      help: tampered
        ? 'As it should: one character of the signature was changed, so it no longer matches the header and payload. The API checks every token against the authorization server\'s public key.'
        : 'Its signature, issuer, audience or expiry did not check out, even after a refresh.',
      header, detail, action: tampered ? 'none' : 'retry',
    };
  }
  if (status === 401) return { title: 'The API needs a token (HTTP 401).', help: 'Sign in first.', header, detail, action: 'sign-in' };
  if (status === 403) {
    return { title: 'The API says the token lacks a needed permission (HTTP 403).', help: 'The token\'s scope does not include what this call needs.', header, detail, action: 'none' };
  }
  return { title: `The API answered HTTP ${status}.`, help: 'Try again in a moment.', header, detail, action: 'retry' };
}

let errorRetry;

function showError({ title, help, header, detail, action }, retry) {
  delete $('error').dataset.source;
  $('error-title').textContent = title;
  $('error-help').textContent = help ?? '';
  $('error-header').textContent = header ?? '';
  $('error-header').hidden = !header;
  $('error-detail').textContent = detail ?? '';
  $('error-detail').hidden = !detail;
  errorRetry = action === 'sign-in' ? signIn : action === 'none' ? undefined : retry;
  $('error-retry').textContent = action === 'sign-in' ? 'Sign in again' : 'Try again';
  $('error-retry').hidden = !errorRetry;
  $('error').hidden = false;
}

function hideError() {
  $('error').hidden = true;
  errorRetry = undefined;
}

// ---------------------------------------------------------------------------------------------
// The app

let config;
let auth;
let current; // the decoded access token on display: { short, header, payload }
let refreshCount = 0;

function setStatus(text, state) {
  $('status').textContent = text;
  if (state) $('status').dataset.state = state;
  else delete $('status').dataset.state;
}

async function busy(button, label, task) {
  const before = button.textContent;
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  if (label) button.textContent = label;
  try {
    return await task();
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
    button.textContent = before;
  }
}

async function signIn() {
  hideError();
  flow = lastDiscovery ? { discovery: lastDiscovery } : {};
  saveFlow();
  const button = $('sign-in');
  button.disabled = true;
  button.textContent = 'Redirecting…';
  setStatus('Signing in…');
  try {
    await auth.login({ returnTo: '/' }); // never resolves: the browser leaves
  } catch (err) {
    button.disabled = false;
    button.textContent = 'Sign in';
    renderSession();
    showError(explain(err), signIn);
  }
}

async function signOut() {
  hideError();
  $('sign-out').disabled = true;
  $('sign-out').textContent = 'Signing out…';
  try {
    await auth.logout({ returnTo: '/' }); // never resolves
  } catch (err) {
    $('sign-out').disabled = false;
    $('sign-out').textContent = 'Sign out';
    showError(explain(err), signOut);
  }
}

async function callApi() {
  await busy($('call-api'), 'Calling…', async () => {
    try {
      const response = await auth.fetch(`${config.apiUrl}/api/me`);
      await showApiResponse(response, false);
    } catch (err) {
      showError(explain(err), callApi);
    }
  });
}

async function callTampered() {
  await busy($('call-tampered'), 'Calling…', async () => {
    try {
      const token = await auth.getAccessToken();
      const [header, payload, signature] = token.split('.');
      const tampered = `${header}.${payload}.${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`;
      // Plain fetch on purpose: auth.fetch would send the real token.
      const response = await fetch(`${config.apiUrl}/api/me`, { headers: { Authorization: `Bearer ${tampered}` } });
      await showApiResponse(response, true);
    } catch (err) {
      showError(explain(err), callTampered);
    }
  });
}

async function showApiResponse(response, tampered) {
  const body = await readBody(response);
  const www = response.headers.get('www-authenticate') ?? undefined;
  const box = $('api-result');
  box.replaceChildren(...[
    el('span', { class: `http ${response.ok ? 'ok' : 'bad'}`, 'data-testid': 'api-status' },
      `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`),
    tampered ? el('span', { class: 'muted' }, ' tampered token') : null,
    www ? el('p', { class: 'hint' }, el('code', {}, `WWW-Authenticate: ${www}`)) : null,
    el('pre', { class: 'code', 'data-testid': 'api-body' }, typeof body === 'string' ? body : JSON.stringify(body, null, 2)),
  ].filter(Boolean));
  if (response.ok) {
    if ($('error').dataset.source === 'api') hideError();
    return;
  }
  showError(explainApi(response.status, www, body, tampered), tampered ? callTampered : callApi);
  $('error').dataset.source = 'api';
}

async function refreshNow() {
  await busy($('refresh'), 'Refreshing…', async () => {
    try {
      await auth.getAccessToken({ forceRefresh: true });
    } catch (err) {
      showError(explain(err), refreshNow);
    }
  });
}

/** Shows the current access token, decoded (display only). */
async function showAccessToken() {
  if (!auth.isAuthenticated()) {
    current = undefined;
    return;
  }
  const token = await auth.getAccessToken();
  const decoded = decodeJwt(token);
  current = { short: short(token), header: decoded?.header, payload: decoded?.payload };
  $('at-short').textContent = current.short;
  $('at-header').textContent = decoded ? JSON.stringify(decoded.header, null, 2) : '(opaque token: nothing to decode)';
  $('at-payload').textContent = decoded ? JSON.stringify(decoded.payload, null, 2) : '';
  $('token-refreshes').textContent = refreshCount ? `refreshed ${refreshCount}×` : '';
  tick();
}

function tick() {
  const exp = current?.payload?.exp;
  if (!exp) {
    $('countdown').textContent = current ? 'No expiry in the token.' : '';
    return;
  }
  const left = exp * 1000 - Date.now();
  const lifetime = Math.max((exp - (current.payload.iat ?? exp)) * 1000, 1);
  const text = left > 0
    ? `Expires in ${Math.ceil(left / 1000)} s (lifetime ${Math.round(lifetime / 1000)} s)`
    : `Expired ${Math.floor(-left / 1000)} s ago: the next request refreshes it first`;
  if ($('countdown').textContent !== text) $('countdown').textContent = text;
  $('countdown').dataset.expired = String(left <= 0);
  const ratio = Math.min(Math.max(left / lifetime, 0), 1);
  $('countdown-bar').style.width = `${(ratio * 100).toFixed(1)}%`;
  $('countdown-bar').dataset.low = String(ratio < 0.34);
}

function renderSession() {
  const signedIn = Boolean(auth?.isAuthenticated());
  $('signed-in').hidden = !signedIn;
  $('signed-out').hidden = signedIn;
  $('token-card').hidden = !signedIn;
  $('api-card').hidden = !signedIn;
  if (!signedIn) {
    current = undefined;
    setStatus('Signed out', 'signed-out');
    $('sign-in').disabled = false;
    $('sign-in').textContent = 'Sign in';
    return;
  }
  const user = auth.user ?? {};
  const name = user.name ?? user.preferred_username ?? user.sub ?? 'someone';
  setStatus(`Signed in as ${name}`, 'signed-in');
  $('user-avatar').textContent = String(name).trim().charAt(0).toUpperCase() || '?';
  $('user-name').textContent = name;
  $('user-email').textContent = user.email ?? '';
  $('user-email').hidden = !user.email;
  $('user-sub').textContent = user.sub ?? '';
  $('id-claims').textContent = JSON.stringify(user, null, 2);
}

function onRefreshed() {
  refreshCount += 1;
  showAccessToken().catch(() => undefined);
  renderSteps();
}

function onSessionEnded({ reason, error }) {
  current = undefined;
  renderSession();
  if (reason === 'logout') {
    setStatus('Signing out…');
    return;
  }
  $('signed-out-text').textContent = 'Your session has ended.';
  showError(explain(error ?? { code: 'login_required' }));
}

/**
 * Back from the authorization server's end-session page. handleRedirect() has already checked
 * the returning `state` against the one logout() sent, and removed it from the address bar.
 */
function completeSignOut() {
  if (!flow.signout?.pending) return;
  flow.signout = { ...flow.signout, pending: false, back: Date.now() };
  saveFlow();
  $('signed-out-text').textContent =
    'You signed out: the refresh token was revoked and the session at the authorization server has ended.';
}

// ---------------------------------------------------------------------------------------------
// The steps view

const STEPS = [
  ['pkce', 'Make a one-time secret: code_verifier → code_challenge', stepPkce],
  ['authorize', 'Send the browser to the authorization endpoint', stepAuthorize],
  ['callback', 'Sign in at the server, come back to /callback', stepCallback],
  ['token', 'Exchange the code + code_verifier for tokens', stepToken],
  ['jwks', 'Verify the ID token with the server\'s public key (JWKS)', stepJwks],
  ['api', 'Call the API with the access token', stepApi],
  ['refresh', 'Refresh before the access token expires', stepRefresh],
  ['signout', 'Sign out', stepSignout],
];

const BADGES = { done: 'Done', failed: 'Refused', waiting: 'In progress', pending: 'Not yet', skipped: 'Not sent' };

function kv(rows) {
  const list = el('dl', { class: 'kv' });
  for (const [key, value, check] of rows) {
    if (value === undefined) continue;
    list.append(el('dt', {}, key), el('dd', {}, value instanceof Node ? value : String(value), check ? [' ', check] : null));
  }
  return list;
}

const ok = (text) => el('span', { class: 'check ok' }, `✓ ${text}`);
const bad = (text) => el('span', { class: 'check bad' }, `✗ ${text}`);

function stepPkce() {
  const challenge = flow.authorize?.params?.code_challenge;
  return {
    state: challenge ? 'done' : 'pending',
    text: 'On "Sign in" the SDK draws 32 random bytes (crypto.getRandomValues) as the code_verifier and keeps it in sessionStorage for the callback. Only its SHA-256 hash, the code_challenge, leaves the browser now.',
    body: challenge ? kv([
      ['code_challenge', challenge],
      ['method', flow.authorize.params.code_challenge_method],
      ['code_verifier', flow.token?.verifier ? 'revealed in step 4, where it is sent' : 'secret, kept by the SDK until step 4'],
    ]) : null,
  };
}

function stepAuthorize() {
  const a = flow.authorize;
  if (!a) {
    return { state: 'pending', text: 'login() builds the /authorize URL and passes it to the navigate option: the browser leaves the app.' };
  }
  const order = ['client_id', 'response_type', 'scope', 'redirect_uri', 'state', 'nonce', 'code_challenge', 'code_challenge_method', 'resource'];
  const names = [...order.filter((n) => n in a.params), ...Object.keys(a.params).filter((n) => !order.includes(n))];
  return {
    state: 'done',
    text: `At ${time(a.at)}, login() sent the browser to the authorization endpoint with these parameters:`,
    body: [
      el('p', { class: 'url', 'data-testid': 'authorize-url' }, `GET ${a.endpoint}?…`),
      kv(names.map((n) => [n, a.params[n]])),
      flow.discovery ? el('p', { class: 'hint' }, `Endpoints from ${flow.discovery.url} (fetched once, then cached).`) : null,
    ],
  };
}

function stepCallback() {
  const c = flow.callback;
  if (!c) {
    return {
      state: flow.authorize ? 'waiting' : 'pending',
      text: 'You type your password on the authorization server\'s own page, never in the app, and allow access. It then redirects back with a one-time code.',
    };
  }
  const refused = c.refused;
  const rows = [
    c.error ? ['error', c.error] : ['code', c.code],
    c.errorDescription ? ['error_description', c.errorDescription] : [],
    ['state', c.state, c.stateMatches ? ok('the state sent in step 2') : bad('not the state sent in step 2')],
    ['iss', c.iss ?? '(none)', c.issMatches === undefined ? null : c.issMatches ? ok('the issuer (RFC 9207)') : bad('not the issuer')],
  ];
  return {
    state: refused || c.error ? 'failed' : flow.verified ? 'done' : 'waiting',
    text: `At ${time(c.at)} the browser came back to ${c.path}. The SDK checks state and iss, then removes them and the code from the address bar.`,
    body: [
      kv(rows),
      refused ? el('p', { class: 'check bad', 'data-testid': 'callback-refused' }, `Refused by the SDK (${refused}): no token request was made.`) : null,
      c.error && !refused ? el('p', { class: 'check bad' }, 'The server answered with an error instead of a code.') : null,
    ],
  };
}

function stepToken() {
  const t = flow.token;
  if (!t?.fields) {
    if (flow.callback?.refused || flow.callback?.error) return { state: 'skipped', text: 'Not sent: the callback was refused, so the code (if any) was never exchanged.' };
    if (t?.failed) return { state: 'failed', text: `The token request got ${t.failed}.` };
    return { state: 'pending', text: 'handleRedirect() POSTs the code and the code_verifier to the token endpoint. The server hashes the verifier and compares it with the challenge of step 1.' };
  }
  const f = t.fields;
  const order = ['grant_type', 'code', 'code_verifier', 'redirect_uri', 'client_id', 'resource'];
  const response = t.response ?? {};
  return {
    state: t.status === 200 ? 'done' : 'failed',
    text: 'handleRedirect() sent the code with the code_verifier. The server hashes the verifier and compares it with the challenge of step 1, so a stolen code is useless without it.',
    body: [
      el('p', { class: 'url' }, `POST ${t.endpoint}`),
      kv(order.filter((n) => n in f).map((n) => [n, f[n]])),
      el('p', { class: 'kv-title' }, 'PKCE proof, recomputed in this page'),
      kv([
        ['SHA-256(verifier)', t.computed ?? '—', t.matches ? ok('equals the code_challenge of step 1') : bad('does not equal the code_challenge of step 1')],
      ]),
      el('p', { class: 'kv-title' }, `Response: HTTP ${t.status}`),
      kv(Object.entries(response).map(([k, v]) => [k, v])),
    ],
    testid: t.matches ? 'pkce-match' : undefined,
  };
}

function stepJwks() {
  const j = flow.jwks;
  const kid = flow.token?.idTokenHeader?.kid;
  if (!j) {
    if (flow.callback?.refused || flow.callback?.error) return { state: 'skipped', text: 'Not needed: there is no ID token to verify.' };
    return { state: 'pending', text: 'The SDK fetches the authorization server\'s public keys (JWKS) and verifies the ID token\'s signature, iss, aud, exp and nonce with jose.' };
  }
  const used = j.keys.find((k) => k.kid === kid);
  const body = [
    el('p', { class: 'url' }, `GET ${j.url}`),
    kv(j.keys.map((k) => [k.kid ?? '(no kid)', `${k.kty}${k.crv ? ` ${k.crv}` : ''} · ${k.alg ?? 'any alg'}${k.kid === kid ? ' ← signed the ID token' : ''}`])),
  ];
  if (used) {
    body.push(el('p', { class: 'kv-title' }, 'Key that verified the ID token'), kv([['kid', used.kid], ['kty', used.kty], ['alg', used.alg ?? flow.token.idTokenHeader.alg]]));
  }
  const tt = flow.token?.timing;
  if (tt && j.timing && typeof j.timing.start === 'number') {
    const offset = j.timing.start - tt.start;
    const alongside = j.timing.start < tt.end;
    body.push(el('p', { class: 'hint', 'data-testid': 'jwks-timing' },
      `Requested ${offset >= 0 ? `${ms(offset)} after` : `${ms(-offset)} before`} the token request started, which answered after ${ms(tt.end - tt.start)}: `,
      alongside ? 'fetched alongside it, not after it.' : 'fetched after it.'));
  }
  if (flow.verified) body.push(ok(`ID token verified at ${time(flow.verified.at)}: signature, iss, aud, exp, nonce`));
  if (flow.idTokenError) body.push(bad(`ID token refused: ${flow.idTokenError}`));
  return {
    state: flow.verified ? 'done' : flow.idTokenError ? 'failed' : 'waiting',
    text: 'The SDK fetched the authorization server\'s public keys and checked the ID token\'s signature with the key named by its kid.',
    body,
  };
}

function stepApi() {
  const a = flow.api;
  if (!a) {
    return { state: 'pending', text: 'auth.fetch() adds the Bearer header. The API (the backend) verifies the JWT with the same public keys, then iss, aud and exp, and answers.' };
  }
  return {
    state: a.status === 200 ? 'done' : 'failed',
    text: `At ${time(a.at)} auth.fetch() sent the access token. The API verified the JWT signature with the authorization server's public key, then iss, aud and exp.`,
    body: [
      el('p', { class: 'url' }, `${a.method} ${a.url}`),
      kv([['Authorization', a.authorization]]),
      el('p', { class: 'kv-title' }, `Response: HTTP ${a.status}`),
      a.wwwAuthenticate ? kv([['WWW-Authenticate', a.wwwAuthenticate]]) : null,
      el('pre', { class: 'code' }, typeof a.body === 'string' ? a.body : JSON.stringify(a.body, null, 2)),
    ],
  };
}

function stepRefresh() {
  const list = flow.refreshes ?? [];
  const ttl = config?.accessTokenTtl;
  const text = `Access tokens here live ${ttl ?? '?'} s. The SDK refreshes ahead of expiry, and whenever a token is asked for late. Each refresh returns a new refresh token and retires the old one; using the old one again ends the whole session.`;
  if (!list.length) return { state: 'pending', text };
  const last = list[list.length - 1];
  return {
    state: last.status === 200 ? 'done' : 'failed',
    text,
    body: el('ol', { class: 'refreshes', 'data-testid': 'refresh-list' }, list.map((r, i) => el('li', {},
      el('strong', {}, `#${i + 1} at ${time(r.at)}: `),
      r.status === 200
        ? [el('span', {}, 'HTTP 200'), kv([
          ['refresh_token', `${r.old} → ${r.next}`, r.rotated ? ok('rotated') : null],
          ['access_token', r.access],
          ['expires_in', r.expiresIn],
        ])]
        : el('span', { class: 'check bad' }, r.failed ? `no answer: ${r.failed}` : `HTTP ${r.status} ${r.error ?? ''}: the refresh token ${r.old} was refused`),
    ))),
  };
}

function stepSignout() {
  const s = flow.signout;
  if (!s) {
    return { state: 'pending', text: 'logout() revokes the refresh token (RFC 7009), forgets every token and ends the session at the authorization server.' };
  }
  const body = [];
  if (s.revocation) {
    body.push(el('p', { class: 'url' }, `POST ${s.revocation.endpoint}`), kv([
      ['token', s.revocation.token],
      ['token_type_hint', s.revocation.hint ?? undefined],
      ['response', `HTTP ${s.revocation.status}`, s.revocation.status === 200 ? ok('revoked') : bad('not confirmed')],
    ]));
  }
  if (s.endSession) {
    body.push(el('p', { class: 'url' }, `GET ${s.endSession.endpoint}?…`), kv(Object.entries(s.endSession.params)));
  }
  if (s.back) body.push(ok(`Back on the page at ${time(s.back)}, signed out`));
  return {
    state: s.pending ? 'waiting' : 'done',
    text: 'logout() revoked the refresh token, forgot the tokens in memory and sent the browser to the end-session endpoint with id_token_hint.',
    body,
  };
}

function renderSteps() {
  const list = $('steps');
  if (!list) return;
  const items = STEPS.map(([id, title, build]) => {
    const { state, text, body } = build();
    return el('li', { class: 'step', 'data-step': id, 'data-state': state, 'data-testid': `step-${id}` },
      el('div', { class: 'step-head' },
        el('h3', { class: 'step-title' }, title),
        el('span', { class: `badge ${state}` }, BADGES[state])),
      el('p', { class: 'step-text' }, text),
      body ?? null);
  });
  list.replaceChildren(...items);
}

// ---------------------------------------------------------------------------------------------
// Start

async function start() {
  renderSteps();
  setStatus('Loading…');
  try {
    const response = await fetch('/config.json', { cache: 'no-store' });
    if (!response.ok) throw new Error(`/config.json answered HTTP ${response.status}`);
    config = await response.json();
  } catch (err) {
    setStatus('Not configured');
    showError({ title: 'The demo could not load its settings.', help: 'Is `npm run demo` still running?', detail: `Details: ${err.message}`, action: 'none' });
    return;
  }
  if (!globalThis.PkceSpa) {
    setStatus('SDK missing');
    showError({ title: 'The SDK build did not load.', help: 'Run `npx rollup -c` (npm run demo builds it), then reload.', action: 'none' });
    return;
  }

  try {
    auth = PkceSpa.createPkceClient({
      issuer: config.issuer,
      clientId: config.clientId,
      redirectUri: config.redirectUri,
      scope: config.scope,
      resource: config.resource,
      apiOrigins: [config.apiUrl],
      postLogoutRedirectUri: config.postLogoutRedirectUri,
      fetch: observedFetch,
      navigate: observedNavigate,
    });
  } catch (err) {
    setStatus('Not configured');
    showError(explain(err));
    return;
  }
  auth.on('refreshed', onRefreshed);
  auth.on('session-ended', onSessionEnded);

  $('sign-in').addEventListener('click', signIn);
  $('sign-out').addEventListener('click', signOut);
  $('call-api').addEventListener('click', callApi);
  $('refresh').addEventListener('click', refreshNow);
  $('call-tampered').addEventListener('click', callTampered);
  $('error-dismiss').addEventListener('click', () => {
    hideError();
    $('sign-in').focus?.();
  });
  $('error-retry').addEventListener('click', () => {
    const retry = errorRetry;
    hideError();
    retry?.();
  });

  const landing = new URL(LANDING_URL);
  const isCallback = PkceSpa.isCallbackUrl(landing);
  if (isCallback) {
    recordCallback(landing);
    setStatus('Completing sign-in…');
  }

  try {
    const result = await auth.handleRedirect();
    if (result) {
      history.replaceState(null, '', result.returnTo);
      flow.verified = { at: Date.now() };
      saveFlow();
    }
  } catch (err) {
    history.replaceState(null, '', '/');
    if (flow.callback) {
      // Refused before the token request, or after it (ID token, token endpoint)?
      if (flow.token?.fields) {
        if (err?.code === 'invalid_id_token') flow.idTokenError = err.message;
      } else {
        // An OAuth error in the callback is the server's answer; anything else is the SDK refusing it.
        if (err?.code !== 'oauth_error' || !flow.callback.error) flow.callback.refused = err?.code ?? 'error';
      }
      saveFlow();
    }
    showError(explain(err), signIn);
  }

  completeSignOut();
  renderSession();
  if (auth.isAuthenticated()) await showAccessToken().catch((err) => showError(explain(err), showAccessToken));
  setInterval(tick, 250);
  document.body.dataset.ready = 'true';
}

start();
