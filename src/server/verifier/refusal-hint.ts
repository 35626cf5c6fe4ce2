/**
 * What to change when a token is refused: the values the token carried and the option of
 * `createTokenVerifier` (or the authorization server's setting) that would make them agree. Goes into
 * the error's `message`, for the API's logs; the `error_description` sent to the caller stays the
 * generic RFC 6750 text.
 *
 * Written when the message is first read, not when the token is refused: most refusals are never
 * logged one by one (a flood of forged tokens, a client retrying an expired one), and decoding the
 * token again to word a hint made a refusal cost more than an acceptance (issue 17).
 *
 * @internal
 * @packageDocumentation
 */
import { decodeJwt, decodeProtectedHeader, errors, type JWTPayload } from 'jose';
import { claimText } from '../../shared/claim-text.js';
import type { ResolvedOptions } from '../options/resolve.js';
import { grantedScopes } from './scopes.js';

const GRAPH_AUDIENCES = new Set(['00000003-0000-0000-c000-000000000000', 'https://graph.microsoft.com', 'https://graph.microsoft.com/']);
const ENTRA_V1 = /^https:\/\/sts\.windows\.net\/([0-9a-f-]{36})\/$/i;
const ENTRA_V2 = /^https:\/\/login\.microsoftonline\.com\/([0-9a-f-]{36})\/v2\.0$/i;

type HintOptions = Pick<ResolvedOptions, 'issuer' | 'audience' | 'clientIds' | 'scopeClaim' | 'profile'>;


/** A hint to append to a refusal's message, or `undefined` when the description says all. @internal */
export type Hint = () => string | undefined;

/**
 * The header (0) or payload (1) of `signed`, a token without its signature, when it decodes; a hint
 * is worth little work, so not over 4 KB.
 */
function decodePart(signed: string, index: 0 | 1): Record<string, unknown> | undefined {
  const part = signed.split('.')[index];
  if (part === undefined || part.length > 4096) return undefined;
  try {
    // Both decoders want three parts; the signature they do not read is left empty.
    return index === 0 ? decodeProtectedHeader(`${signed}.`) : decodeJwt(`${signed}.`);
  } catch {
    return undefined;
  }
}

/**
 * The token's header and payload, for a hint to read later. Its signature is not kept: a hint needs
 * none, and without it what the error holds on to cannot be sent as a token.
 */
const withoutSignature = (token: string) => token.slice(0, token.lastIndexOf('.'));

/** Whether `token` has the three parts of a compact JWS (two dots), without splitting it. */
function hasThreeParts(token: string): boolean {
  const first = token.indexOf('.');
  const second = first === -1 ? -1 : token.indexOf('.', first + 1);
  return second !== -1 && token.indexOf('.', second + 1) === -1;
}

function issuerHint(iss: unknown, config: HintOptions): string {
  const base = `its "iss" is ${claimText(iss)}, the "issuer" option is ${claimText(config.issuer)}`;
  if (typeof iss !== 'string') return base;
  if (iss.replace(/\/$/, '') === config.issuer.replace(/\/$/, '')) return `${base}: they differ only by the trailing "/", set "issuer" exactly as the token has it`;
  const v1 = ENTRA_V1.exec(iss);
  if (v1 && ENTRA_V2.exec(config.issuer)?.[1] === v1[1]) {
    return `${base}: a Microsoft Entra v1.0 access token; set "issuer" to ${claimText(iss)} (with "audience" the API's App ID URI), or set requestedAccessTokenVersion: 2 in the API's app manifest`;
  }
  const v2 = ENTRA_V2.exec(iss);
  if (v2 && ENTRA_V1.exec(config.issuer)?.[1] === v2[1]) {
    return `${base}: a Microsoft Entra v2.0 access token; set "issuer" to ${claimText(iss)} (with "audience" the API's client id)`;
  }
  return base;
}

function audienceHint(payload: JWTPayload, config: HintOptions): string {
  if (payload.aud === undefined && typeof payload['client_id'] === 'string') {
    return `it has no "aud" but "client_id" ${claimText(payload['client_id'])} (as Amazon Cognito's access tokens): use the "clientId" option instead of "audience"`;
  }
  const aud = [payload.aud].flat();
  if (aud.some((value) => typeof value === 'string' && GRAPH_AUDIENCES.has(value))) {
    return `its "aud" is ${claimText(payload.aud)}: a Microsoft Graph token, for Graph only; the browser app must ask for your API's scope (e.g. api://<API app id>/<scope>) to get a token for this API`;
  }
  return (
    `its "aud" is ${claimText(payload.aud)}, the "audience" option is ${claimText(config.audience)}: have the authorization server name this API ` +
    '(a resource indicator, Auth0 and Hydra "audience", a Keycloak Audience mapper, Entra\'s API scope), or set "audience" to the value the token carries'
  );
}

/**
 * The hint for jose's refusal of `token`, or `undefined` when the generic description says all. Only
 * sorting the error happens now; reading the token's claims waits for the hint to be read.
 * @internal
 */
export function joseRefusalHint(error: unknown, token: string, config: HintOptions): Hint | undefined {
  if (error instanceof errors.JWTClaimValidationFailed) {
    const payload = error.payload;
    switch (error.claim) {
      case 'iss':
        return () => issuerHint(payload.iss, config);
      case 'aud':
        return () => audienceHint(payload, config);
      case 'typ': {
        const signed = withoutSignature(token);
        return () => {
          const typ = decodePart(signed, 0)?.['typ'];
          return `its "typ" is ${typ === undefined ? 'absent' : claimText(typ)}, not "at+jwt" (RFC 9068): for the plain JWT access tokens most servers issue, set profile: 'plain-jwt'; when you mint tokens yourself, set the header typ: 'at+jwt'`;
        };
      }
      default:
        return undefined;
    }
  }
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) {
    if (hasThreeParts(token)) return undefined;
    const length = token.length;
    return () =>
      `it is not a JWT but an opaque token of ${length} characters, which only its issuer can read: ask for a JWT access token ` +
      '(Auth0: send an "audience" with the sign-in; ZITADEL: access token type JWT; Ory Hydra: strategies.access_token: jwt)';
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    const signed = withoutSignature(token);
    return () => {
      const aud = decodePart(signed, 1)?.['aud'];
      if (![aud].flat().some((value) => typeof value === 'string' && GRAPH_AUDIENCES.has(value))) return undefined;
      return `its "aud" is ${claimText(aud)}: a Microsoft Graph token, whose signature only Graph can check; the browser app must ask for your API's scope (e.g. api://<API app id>/<scope>) to get a token for this API`;
    };
  }
  return undefined;
}

/** The hint for a token that passed but lacks `needed` scopes in `config.scopeClaim`. @internal */
export function scopeRefusalHint(payload: JWTPayload, needed: readonly string[], config: HintOptions): Hint {
  return () => {
    const other = config.scopeClaim === 'scope' ? 'scp' : 'scope';
    const there = grantedScopes(payload, other);
    if (needed.every((scope) => there.has(scope))) {
      return `it carries the scopes in "${other}" (${claimText([...there])}), not in "${config.scopeClaim}": set scopeClaim: '${other}'`;
    }
    return `it grants ${claimText([...grantedScopes(payload, config.scopeClaim)])} in "${config.scopeClaim}", this API needs ${claimText(needed)}: the browser app must ask for them in its "scope"`;
  };
}
