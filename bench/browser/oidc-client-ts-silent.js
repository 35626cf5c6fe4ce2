// oidc-client-ts's silent_redirect_uri page: hands the response to the page that asked.
import { UserManager } from 'oidc-client-ts';

const { config: c } = window.bench;
void new UserManager({ authority: c.issuer, client_id: c.clientId, redirect_uri: c.redirectUri }).signinSilentCallback();
