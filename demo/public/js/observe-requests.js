// How the steps view sees the SDK's requests: through the `fetch` option every app can pass to
// createPkceClient. It sends each request unchanged and reads a copy of the answer: the pushed
// authorization request, the token exchange, refreshes, the JWKS, revocation and the API calls.
// Nothing in the SDK is patched.
import { decodeJwt, readBody, s256, short, shortSecret } from './format.js';

/** Which kind of request the SDK is making, judged from the request alone. */
function describeRequest(input, init = {}) {
  const request = input instanceof Request ? input : undefined;
  const url = new URL(request ? request.url : String(input), location.href);
  const method = (init.method ?? request?.method ?? 'GET').toUpperCase();
  const body =
    init.body instanceof URLSearchParams ? new URLSearchParams(init.body)
      : typeof init.body === 'string' ? new URLSearchParams(init.body)
        : undefined;
  const headers = new Headers(init.headers ?? request?.headers);
  const authorization = headers.get('authorization');
  const dpop = headers.get('dpop') ?? undefined;
  let kind = 'other';
  if (body?.get('grant_type') === 'authorization_code') kind = 'token';
  else if (body?.get('grant_type') === 'refresh_token') kind = 'refresh';
  else if (body?.has('token') && method === 'POST') kind = 'revocation';
  else if (body?.has('response_type') && method === 'POST') kind = 'par';
  else if (url.pathname.endsWith('/.well-known/openid-configuration')) kind = 'discovery';
  else if (authorization) kind = 'api';
  else if (method === 'GET') kind = 'maybe-jwks';
  return { url, method, body, authorization, dpop, kind };
}

/**
 * A DPoP proof (RFC 9449 §4) as the page shows it: the public key in its header (never a private
 * one), and the claims binding it to this one request (`ath`: to this access token).
 */
function proofSummary(proof) {
  const jwt = decodeJwt(proof);
  if (!jwt) return undefined;
  const { typ, alg, jwk } = jwt.header;
  const { htm, htu, iat, jti, ath, nonce } = jwt.payload;
  return {
    typ,
    alg,
    jwk: jwk ? `${jwk.kty} ${jwk.crv ?? ''} x=${short(jwk.x)}` : undefined,
    htm,
    htu,
    iat,
    jti: short(jti),
    ath: ath ? short(ath) : undefined,
    nonce: nonce ? short(nonce) : undefined,
  };
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

/**
 * The `fetch` option for the client: records what each request was, in the page load's `flow`.
 * A pushed authorization request (RFC 9126) goes to `onPush({ at, endpoint, params })` as it is
 * sent: the browser's /authorize URL then carries only `client_id` and `request_uri`.
 */
export function createObservedFetch(flow, { onPush }) {
  async function observe(seen, response, started, headersAt) {
    const endpoint = seen.url.origin + seen.url.pathname;
    switch (seen.kind) {
      case 'discovery':
        flow.set({ discovery: { url: seen.url.href, status: response.status } });
        return;

      case 'token': {
        const body = (await readBody(response)) ?? {};
        const ended = performance.now();
        const fields = Object.fromEntries(seen.body);
        const challenge = flow.data.authorize?.params?.code_challenge;
        const computed = fields.code_verifier ? await s256(fields.code_verifier) : undefined;
        const idToken = decodeJwt(body.id_token);
        // A server that requires DPoP nonces answers the first proof of a page with use_dpop_nonce
        // (RFC 9449 §8); the SDK sends the same code again with the nonce. Both are one exchange.
        const previous = flow.data.token;
        const nonceAsked = previous?.response?.error === 'use_dpop_nonce' && previous.fields?.code === short(fields.code) ? previous : undefined;
        flow.set({
          token: {
            endpoint,
            at: Date.now(),
            // The verifier is spent once the code is redeemed, but a page that copies this one
            // should still not keep it: only its ends, and the hash recomputed from it.
            fields: { ...fields, code: short(fields.code), code_verifier: shortSecret(fields.code_verifier) },
            computed,
            matches: challenge === undefined ? undefined : computed === challenge,
            status: response.status,
            response: tokenSummary(body),
            dpop: proofSummary(seen.dpop),
            idTokenHeader: idToken ? { kid: idToken.header.kid, alg: idToken.header.alg } : undefined,
            timing: { start: nonceAsked?.timing.start ?? started, headers: headersAt, end: ended },
            nonceAsked: nonceAsked !== undefined,
          },
        });
        return;
      }

      case 'refresh': {
        const body = (await readBody(response)) ?? {};
        const old = seen.body.get('refresh_token');
        recordRefresh({
          at: Date.now(),
          status: response.status,
          old: short(old),
          next: short(body.refresh_token),
          rotated: Boolean(body.refresh_token) && body.refresh_token !== old,
          access: short(body.access_token),
          expiresIn: body.expires_in,
          error: body.error,
          errorDescription: body.error_description,
          dpop: proofSummary(seen.dpop),
        });
        return;
      }

      case 'revocation':
        flow.set({
          signout: {
            ...flow.data.signout,
            revocation: { endpoint, status: response.status, token: short(seen.body.get('token')), hint: seen.body.get('token_type_hint') },
          },
        });
        return;

      case 'api': {
        const body = await readBody(response);
        flow.set({
          api: {
            at: Date.now(),
            method: seen.method,
            url: seen.url.href,
            authorization: seen.authorization.replace(/^(\S+) (.+)$/, (_, scheme, token) => `${scheme} ${short(token)}`),
            status: response.status,
            body,
            wwwAuthenticate: response.headers.get('www-authenticate') ?? undefined,
            dpop: proofSummary(seen.dpop),
          },
        });
        return;
      }

      case 'maybe-jwks': {
        const body = await readBody(response);
        if (!body || !Array.isArray(body.keys)) return;
        const keys = body.keys.map(({ kid, kty, alg, use, crv }) => ({ kid, kty, alg, use, crv }));
        // The first fetch of this sign-in keeps its timing; a later refetch (key rotation) only its keys.
        flow.set({
          jwks: { url: seen.url.href, keys, status: response.status, timing: flow.data.jwks?.timing ?? { start: started, end: performance.now() } },
        });
        return;
      }
      default:
    }
  }

  const recordRefresh = (data) => flow.set({ refreshes: [...(flow.data.refreshes ?? []), data] });

  /** The `fetch` option: passes every request straight through and looks at a copy of the answer. */
  function observedFetch(input, init) {
    const seen = describeRequest(input, init);
    const started = performance.now();
    if (seen.kind === 'par') onPush({ at: Date.now(), endpoint: seen.url.origin + seen.url.pathname, params: Object.fromEntries(seen.body) });
    // fetch() is called synchronously, so observing changes no timing.
    return fetch(input, init).then(
      (response) => {
        observe(seen, response.clone(), started, performance.now()).catch(() => undefined);
        return response;
      },
      (error) => {
        const failed = error?.name === 'TimeoutError' ? 'timed out' : 'no answer (network error)';
        if (seen.kind === 'token') flow.set({ token: { ...flow.data.token, failed } });
        if (seen.kind === 'refresh') recordRefresh({ at: Date.now(), failed });
        throw error;
      },
    );
  }

  return observedFetch;
}
