// Steps 1–5 of the steps view: one sign-in, however it was made (`flow.via`): a full-page
// redirect, a popup, or a hidden iframe (restoreSession(), or following another tab's sign-in).
import { bad, el, kv, ok } from './dom.js';
import { ms, time } from './format.js';

const CALLER = { redirect: 'handleRedirect()', popup: 'loginWithPopup()', iframe: 'restoreSession()' };
const refused = (f) => f.callback?.refused || f.callback?.error;

export function stepPkce(f) {
  const challenge = f.authorize?.params?.code_challenge;
  if (f.via === 'popup' && !challenge) {
    return {
      state: f.token?.fields ? 'done' : 'waiting',
      text: 'loginWithPopup() drew a code_verifier (32 random bytes) and kept it in sessionStorage for the answer, as login() does. Its SHA-256 hash, the code_challenge, left in the popup\'s address, which this page cannot read.',
    };
  }
  const text = {
    redirect: 'Signed out, the SDK has drawn 32 random bytes (crypto.getRandomValues) as the code_verifier of the next sign-in and pushed its SHA-256 hash, the code_challenge, with the other parameters (PAR), so "Sign in" leaves at once; the verifier waits in memory, and in sessionStorage once you click, for the callback.',
    iframe: 'For the silent sign-in the SDK drew a new code_verifier (32 random bytes) and kept it in sessionStorage for the answer. Only its SHA-256 hash, the code_challenge, left the browser.',
    popup: 'loginWithPopup() drew a code_verifier (32 random bytes) and kept it in sessionStorage for the answer, as login() does. Only its SHA-256 hash, the code_challenge, left the browser.',
  }[f.via ?? 'redirect'];
  return {
    state: challenge ? 'done' : 'pending',
    text,
    body: challenge ? kv([
      ['code_challenge', challenge],
      ['method', f.authorize.params.code_challenge_method],
      ['code_verifier', f.token?.fields ? 'sent in step 4, shown there shortened' : 'secret, kept by the SDK until step 4'],
    ]) : null,
  };
}

const ORDER = ['client_id', 'response_type', 'scope', 'redirect_uri', 'state', 'nonce', 'code_challenge', 'code_challenge_method', 'prompt', 'resource'];

/** How the parameters of step 2 left: in the URL, or pushed first (PAR) with only a reference in it. */
function authorizeText(a) {
  const at = time(a.at);
  if (!a.pushed) {
    return a.via === 'iframe'
      ? `At ${at}, the SDK loaded the authorization endpoint in a hidden iframe with prompt=none, so the server answers at once, without a page:`
      : `At ${at}, login() sent the browser to the authorization endpoint with these parameters:`;
  }
  return {
    redirect: `At ${at}, the SDK pushed these parameters to the server (PAR, RFC 9126; ahead of the click, once the page knew it was signed out), then login() sent the browser to the authorization endpoint with only client_id and the request_uri it got back, so nobody can read or change them on the way:`,
    iframe: `At ${at}, the SDK pushed these parameters to the server (PAR, RFC 9126), then loaded the authorization endpoint in a hidden iframe with the request_uri it got back. With prompt=none the server answers at once, without a page:`,
    popup: `At ${at}, loginWithPopup() pushed these parameters to the server (PAR, RFC 9126), then opened the authorization endpoint in a popup with the request_uri it got back:`,
  }[a.via];
}

export function stepAuthorize(f) {
  const a = f.authorize;
  const title = { iframe: 'Ask the authorization endpoint in a hidden iframe', popup: 'Open the authorization endpoint in a popup' }[a?.via];
  if (a?.via === 'popup' && !a.pushed) {
    return {
      state: f.callback || f.token ? 'done' : 'waiting',
      title,
      text: `At ${time(a.at)}, loginWithPopup() opened the authorization endpoint in a popup, with the parameters a redirect sends. This page cannot read the popup's address (the navigate option sees only full-page navigations), so they are not listed.`,
    };
  }
  if (!a) {
    return { state: 'pending', text: 'login() builds the authorization request and passes its URL to the navigate option: the browser leaves the app.' };
  }
  const names = [...ORDER.filter((n) => n in a.params), ...Object.keys(a.params).filter((n) => !ORDER.includes(n))];
  return {
    state: 'done',
    title,
    text: authorizeText(a),
    body: [
      a.pushed ? el('p', { class: 'url', 'data-testid': 'par-request' }, `POST ${a.pushed.endpoint}`) : null,
      a.endpoint ? el('p', { class: 'url', 'data-testid': 'authorize-url' }, `GET ${a.endpoint}?${a.pushed ? 'client_id=…&request_uri=…' : '…'}`) : null,
      kv(names.map((n) => [n, a.params[n]])),
      a.pushed?.requestUri ? kv([['request_uri', a.pushed.requestUri]]) : null,
      f.discovery ? el('p', { class: 'hint' }, `Endpoints from ${f.discovery.url} (fetched once, then cached).`) : null,
    ],
  };
}

export function stepCallback(f, config) {
  const c = f.callback;
  const silentPath = new URL(config?.silentRedirectUri ?? '/silent-callback.html', location.href).pathname;
  const title = f.via === 'iframe' ? `The server answers at once, to ${silentPath}`
    : f.via === 'popup' ? `Sign in in the popup, come back to ${silentPath}` : undefined;
  if (!c) {
    if (f.via === 'popup' && f.token?.fields) {
      return {
        state: 'done',
        title,
        text: `The popup came back to ${silentPath}, which handed the response to this page over a BroadcastChannel (the authorization server cut the popup off from its opener), then closed.`,
        body: kv([['code', `${f.token.fields.code} (as sent in step 4)`]]),
      };
    }
    return {
      state: f.authorize ? 'waiting' : 'pending',
      title,
      text: 'You type your password on the authorization server\'s own page, never in the app, and allow access. It then redirects back with a one-time code.',
    };
  }
  const rows = [
    c.error ? ['error', c.error] : ['code', c.code],
    // Text from a callback that answers no sign-in of this tab is the sender's, not the server's: a
    // forged link could write anything there, so the page does not show it.
    c.errorDescription ? ['error_description', c.stateMatches ? c.errorDescription : '(not shown: this answer is for no sign-in of this tab)'] : [],
    ['state', c.state, c.stateMatches === undefined ? null : c.stateMatches ? ok('the state sent in step 2') : bad('not the state sent in step 2')],
    ['iss', c.iss ?? '(none)', c.issMatches === undefined ? null : c.issMatches ? ok('the issuer (RFC 9207)') : bad('not the issuer')],
  ];
  const text = {
    redirect: `At ${time(c.at)} the browser came back to ${c.path}. The SDK checks state and iss, then removes them and the code from the address bar.`,
    iframe: `At ${time(c.at)} your session at the server was still on, so it answered in the iframe on ${c.path}, which handed the response to this page with postMessage. The SDK took it only from this origin and its own iframe, then checked state and iss.`,
    popup: `At ${time(c.at)} the popup came back to ${c.path}, which handed the response to this page and closed. The SDK checked state and iss.`,
  }[c.via ?? 'redirect'];
  return {
    state: c.refused || c.error ? 'failed' : f.verified ? 'done' : 'waiting',
    title,
    text,
    body: [
      kv(rows),
      c.refused ? el('p', { class: 'check bad', 'data-testid': 'callback-refused' }, `Refused by the SDK (${c.refused}): no token request was made.`) : null,
      c.error && !c.refused ? el('p', { class: 'check bad' }, 'The server answered with an error instead of a code.') : null,
    ],
  };
}

export function stepToken(f) {
  const t = f.token;
  if (!t?.fields) {
    if (refused(f)) return { state: 'skipped', text: 'Not sent: the callback was refused, so the code (if any) was never exchanged.' };
    if (t?.failed) return { state: 'failed', text: `The token request got ${t.failed}.` };
    return { state: 'pending', text: 'handleRedirect() POSTs the code and the code_verifier to the token endpoint. The server hashes the verifier and compares it with the challenge of step 1.' };
  }
  const order = ['grant_type', 'code', 'code_verifier', 'redirect_uri', 'client_id', 'resource'];
  const proof = t.matches === true ? ok('equals the code_challenge of step 1')
    : t.matches === false ? bad('does not equal the code_challenge of step 1')
      : t.status === 200 ? ok('the server compared it with the popup\'s code_challenge and accepted it') : null;
  return {
    state: t.status === 200 ? 'done' : 'failed',
    text: `${CALLER[f.via] ?? CALLER.redirect} sent the code with the code_verifier (shown shortened). The server hashes the verifier and compares it with the challenge of step 1, so a stolen code is useless without it.`,
    body: [
      el('p', { class: 'url' }, `POST ${t.endpoint}`),
      kv(order.filter((n) => n in t.fields).map((n) => [n, t.fields[n]])),
      el('p', { class: 'kv-title' }, 'PKCE proof, recomputed in this page'),
      kv([['SHA-256(verifier)', t.computed ?? '—', proof]]),
      ...(t.dpop ? [el('p', { class: 'kv-title' }, 'DPoP proof (header DPoP), signed with this session\'s unexportable key'), kv(Object.entries(t.dpop).filter(([, v]) => v !== undefined))] : []),
      ...(t.nonceAsked ? [el('p', { class: 'hint' }, 'The server first answered HTTP 400 use_dpop_nonce with a DPoP-Nonce header (RFC 9449 §8): the SDK signed a new proof carrying that nonce and sent the code again.')] : []),
      el('p', { class: 'kv-title' }, `Response: HTTP ${t.status}`),
      kv(Object.entries(t.response ?? {})),
    ],
  };
}

export function stepJwks(f) {
  const j = f.jwks;
  const kid = f.token?.idTokenHeader?.kid;
  if (!j) {
    if (refused(f)) return { state: 'skipped', text: 'Not needed: there is no ID token to verify.' };
    return { state: 'pending', text: 'The SDK fetches the authorization server\'s public keys (JWKS) and verifies the ID token\'s signature, iss, aud, exp and nonce with jose.' };
  }
  const used = j.keys.find((k) => k.kid === kid);
  const body = [
    el('p', { class: 'url' }, `GET ${j.url}`),
    kv(j.keys.map((k) => [k.kid ?? '(no kid)', `${k.kty}${k.crv ? ` ${k.crv}` : ''} · ${k.alg ?? 'any alg'}${k.kid === kid ? ' ← signed the ID token' : ''}`])),
  ];
  if (used) {
    body.push(el('p', { class: 'kv-title' }, 'Key that verified the ID token'), kv([['kid', used.kid], ['kty', used.kty], ['alg', used.alg ?? f.token.idTokenHeader.alg]]));
  }
  const tt = f.token?.timing;
  if (tt && j.timing && typeof j.timing.start === 'number') {
    const offset = j.timing.start - tt.start;
    body.push(el('p', { class: 'hint', 'data-testid': 'jwks-timing' },
      `Requested ${offset >= 0 ? `${ms(offset)} after` : `${ms(-offset)} before`} the token request started, which answered after ${ms(tt.end - tt.start)}: `,
      j.timing.start < tt.end ? 'fetched alongside it, not after it.' : 'fetched after it.'));
  }
  if (f.verified) body.push(ok(`ID token verified at ${time(f.verified.at)}: signature, iss, aud, exp, nonce`));
  if (f.idTokenError) body.push(bad(`ID token refused: ${f.idTokenError}`));
  return {
    state: f.verified ? 'done' : f.idTokenError ? 'failed' : 'waiting',
    text: 'The SDK fetched the authorization server\'s public keys and checked the ID token\'s signature with the key named by its kid.',
    body,
  };
}
