// Steps 6–8 of the steps view: what the signed-in page does with its tokens, and how it ends.
import { bad, el, kv, ok } from './dom.js';
import { time } from './format.js';

export function stepApi(f) {
  const a = f.api;
  if (!a) {
    return { state: 'pending', text: 'auth.fetch() adds the Bearer header. The API (the backend) verifies the JWT with the same public keys, then iss, aud and exp, and answers.' };
  }
  return {
    state: a.status === 200 ? 'done' : 'failed',
    text: `At ${time(a.at)} auth.fetch() sent the access token. The API verified the JWT signature with the authorization server's public key, then iss, aud and exp.`,
    body: [
      el('p', { class: 'url' }, `${a.method} ${a.url}`),
      kv([['Authorization', a.authorization]]),
      a.dpop ? el('p', { class: 'kv-title' }, 'DPoP proof, bound to this request and this token (ath)') : null,
      a.dpop ? kv(Object.entries(a.dpop).filter(([, v]) => v !== undefined)) : null,
      el('p', { class: 'kv-title' }, `Response: HTTP ${a.status}`),
      a.wwwAuthenticate ? kv([['WWW-Authenticate', a.wwwAuthenticate]]) : null,
      el('pre', { class: 'code' }, typeof a.body === 'string' ? a.body : JSON.stringify(a.body, null, 2)),
    ],
  };
}

export function stepRefresh(f, config) {
  const list = f.refreshes ?? [];
  const lifetime = config ? `Access tokens here live ${config.accessTokenTtl} s. ` : '';
  const text = `${lifetime}The SDK refreshes ahead of expiry, and whenever a token is asked for late. Each refresh returns a new refresh token and retires the old one; using the old one again ends the whole session.`;
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

export function stepSignout(f) {
  const s = f.signout;
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
