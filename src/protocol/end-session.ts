/** The values of an end-session request, as the `endSessionParams` option of `createPkceClient` receives them. */
export interface EndSessionValues {
  /** The raw ID token of the session that ends, when there was one. */
  idTokenHint?: string;
  /** The `clientId` option. */
  clientId: string;
  /** Absolute URL the server should send the browser back to. */
  postLogoutRedirectUri: string;
  /** One-time value the client recognises on return; drop it if the server does not echo it. */
  state: string;
}

/**
 * The URL of an RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0 §2): the end-session
 * endpoint with `id_token_hint`, `client_id`, `post_logout_redirect_uri` and `state`, or with the
 * parameters `custom` makes of those values for a server that wants others (Auth0's legacy
 * `/v2/logout`, Cognito's `logout_uri`). Also reports whether `state` is among what is sent, so the
 * caller knows whether to wait for it to come back.
 */
export function buildEndSessionUrl(
  endSessionEndpoint: string,
  values: EndSessionValues,
  custom?: (values: EndSessionValues) => Record<string, string>,
): { url: URL; sendsState: boolean } {
  const url = new URL(endSessionEndpoint);
  const params = custom?.(values) ?? {
    ...(values.idTokenHint ? { id_token_hint: values.idTokenHint } : {}),
    client_id: values.clientId,
    post_logout_redirect_uri: values.postLogoutRedirectUri,
    state: values.state,
  };
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return { url, sendsState: Object.values(params).includes(values.state) };
}
