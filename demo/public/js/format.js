// Values as the page shows them: shortened, decoded for display, timed.

/**
 * Tokens are shown shortened, never whole. JWTs all start with the same header characters,
 * so they keep a few characters of the signature to tell one from the next.
 */
export function short(value) {
  if (typeof value !== 'string' || !value) return value ?? '—';
  if (value.split('.').length === 3) return value.length > 20 ? `${value.slice(0, 12)}…${value.slice(-6)}` : value;
  return value.length > 14 ? `${value.slice(0, 12)}…` : value;
}

/** A secret (the code verifier) as the page may keep it: its first and last four characters. */
export function shortSecret(value) {
  if (typeof value !== 'string' || !value) return value ?? '—';
  return value.length > 12 ? `${value.slice(0, 4)}…${value.slice(-4)}` : '…';
}

function base64UrlToText(part) {
  const base64 = part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '=');
  const binary = atob(base64);
  return new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
}

/** Decodes a JWT's header and payload for display. It does NOT verify anything. */
export function decodeJwt(token) {
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
export async function s256(verifier) {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  return btoa(String.fromCharCode(...digest)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export const time = (at) => (at ? new Date(at).toLocaleTimeString([], { hour12: false }) : '');
export const ms = (value) => `${Math.round(value)} ms`;

/** A response body as JSON when it is JSON, else as text. */
export async function readBody(response) {
  const text = await response.text();
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return text;
  }
}
