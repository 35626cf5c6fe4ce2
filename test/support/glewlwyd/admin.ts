// Provisions a fresh glewlwyd through its admin REST API (/api/...), as an administrator would in
// its admin pages: the API checks every value, so a wrong setting fails here with glewlwyd's own
// answer instead of somewhere in the browser.
import { randomBytes } from 'node:crypto';

import { PLUGIN_NAME, oidcPluginParameters } from './oidc-plugin';

/** The administrator the package's seed creates; its password is replaced before anything else. */
const SEEDED_ADMIN = { username: 'admin', password: 'password' };

export interface Provisioning {
  issuer: string;
  accessTokenTtl: number;
  clientId: string;
  redirectUri: string;
  postLogoutRedirectUri: string;
  /** The scope the API requires; `openid` is seeded by the package. */
  apiScope: string;
  user: { username: string; password: string; name: string };
}

function adminApi(apiBase: string) {
  let cookie = '';
  return async function call(method: string, path: string, body?: unknown): Promise<unknown> {
    const response = await fetch(`${apiBase}${path}`, {
      method,
      headers: { 'Content-Type': 'application/json', ...(cookie ? { Cookie: cookie } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const session = response.headers.get('set-cookie');
    if (session) cookie = session.split(';')[0]!;
    const text = await response.text();
    if (!response.ok) throw new Error(`glewlwyd admin API: ${method} ${path} answered ${response.status} ${text.slice(0, 500)}`);
    return text ? (JSON.parse(text) as unknown) : undefined;
  };
}

interface ClientModule {
  parameters: { 'data-format': Record<string, unknown> };
  [key: string]: unknown;
}

/** Sets up the OIDC plugin, the API scope, the user and the public SPA client. */
export async function provision(apiBase: string, p: Provisioning): Promise<void> {
  const call = adminApi(apiBase);
  await call('POST', '/auth/', SEEDED_ADMIN);
  await call('PUT', `/user/${SEEDED_ADMIN.username}`, { password: randomBytes(24).toString('base64url') });

  // end_session looks for the client property `post_logout_redirect_uris` (plural), which the
  // packaged client schema lacks (it has `post_logout_redirect_uri`): without it, the end-session
  // page has nowhere to send the user back to, and they stay on glewlwyd's page. Add it to the
  // database client backend's schema.
  const [database] = (await call('GET', '/mod/client/')) as [ClientModule];
  database.parameters['data-format'].post_logout_redirect_uris = { multiple: true, read: true, write: true };
  await call('PUT', '/mod/client/database', database);
  await call('PUT', '/mod/client/database/reset');

  await call('POST', '/mod/plugin/', {
    module: 'oidc',
    name: PLUGIN_NAME,
    display_name: 'OpenID Connect',
    enabled: true,
    parameters: await oidcPluginParameters({
      issuer: p.issuer,
      accessTokenTtl: p.accessTokenTtl,
      scopes: ['openid', p.apiScope],
    }),
  });

  await call('POST', '/scope/', {
    name: p.apiScope,
    display_name: 'Read the demo API',
    description: 'Call the demo API as yourself',
    password_required: true,
    password_max_age: 0,
    scheme: {},
  });
  await call('POST', '/user/', {
    username: p.user.username,
    password: p.user.password,
    name: p.user.name,
    email: '',
    scope: ['openid', p.apiScope],
    enabled: true,
  });
  await call('POST', '/client/', {
    client_id: p.clientId,
    name: 'pkce-spa demo',
    description: 'A single-page app: public client, Authorization Code + PKCE',
    confidential: false,
    enabled: true,
    redirect_uri: [p.redirectUri],
    authorization_type: ['code', 'refresh_token'],
    post_logout_redirect_uris: [p.postLogoutRedirectUri],
    scope: [],
  });
  await call('DELETE', '/auth/');
}
