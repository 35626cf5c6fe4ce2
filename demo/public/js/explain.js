// Errors as a person wants to read them: a title, what to do, and the details second.

/** Turns an SDK error into { title, help, detail, action }; action 'sign-in' offers a new sign-in. */
export function explain(err) {
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
        help: 'Tokens live in this page\'s memory only, and the session they belonged to has ended.' };
    case 'popup_blocked':
      return { ...base, title: 'The browser blocked the sign-in popup.',
        help: 'Allow popups for this page and try again, or use "Sign in", which stays in this window.' };
    case 'popup_closed':
      return { ...base, title: 'The sign-in window was closed before the sign-in finished.',
        help: 'Nothing was kept. Try again whenever you are ready.' };
    case 'popup_timeout':
      return { ...base, title: 'The sign-in popup gave no answer in time.',
        help: 'Nothing was kept. Try again, or use "Sign in", which stays in this window.' };
    case 'invalid_config':
      return { ...base, action: 'none', title: 'The demo is misconfigured.', help: 'Check /config.json and the SDK options.' };
    default:
      return { ...base, title: 'Something went wrong.', help: 'Try again.' };
  }
}

export function explainApi(status, wwwAuthenticate, body, tampered) {
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

