/**
 * What a failed request in a page most likely means. A browser reports a CORS refusal as the same
 * `TypeError` as a server that cannot be reached, and lets no script tell them apart; while the
 * browser says it is online, the refusal is the likelier, and the one a developer can fix.
 *
 * @internal
 * @packageDocumentation
 */

/** @internal The sentence to add to "Network error: <url>", or `''`. */
export function corsHint(cause: unknown): string {
  const origin = (globalThis as { location?: { origin?: string } }).location?.origin;
  const online = (globalThis as { navigator?: { onLine?: boolean } }).navigator?.onLine !== false;
  if (!(cause instanceof TypeError) || !origin || origin === 'null' || !online) return '';
  return (
    ` (no answer this page may read: if the server is up, it does not allow this page's origin ${origin} by CORS; ` +
    'register it where the provider asks: an Entra "Single-page application" redirect URI, an Okta Trusted Origin, ' +
    "Hydra's serve.public.cors.allowed_origins, Keycloak's Web origins; see docs/troubleshooting.md#cors-at-the-token-endpoint)"
  );
}
