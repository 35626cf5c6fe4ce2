// The API card: auth.fetch() to the demo API and to the billing API (each with its own token), and
// the same call with a tampered token.
import { $, busy, el } from './dom.js';
import { explain, explainApi } from './explain.js';
import { decodeJwt, readBody, short } from './format.js';

export function createApiCard({ auth, config, alert }) {
  async function show(response, tampered) {
    const body = await readBody(response);
    const www = response.headers.get('www-authenticate') ?? undefined;
    $('api-result').replaceChildren(...[
      el('span', { class: `http ${response.ok ? 'ok' : 'bad'}`, 'data-testid': 'api-status' },
        `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`),
      tampered ? el('span', { class: 'muted' }, ' tampered token') : null,
      www ? el('p', { class: 'hint' }, el('code', {}, `WWW-Authenticate: ${www}`)) : null,
      el('pre', { class: 'code', 'data-testid': 'api-body' }, typeof body === 'string' ? body : JSON.stringify(body, null, 2)),
    ].filter(Boolean));
    if (response.ok) alert.clear('api');
    else alert.show(explainApi(response.status, www, body, tampered), tampered ? callTampered : callApi, 'api');
  }

  async function callApi() {
    await busy($('call-api'), 'Calling…', async () => {
      try {
        await show(await auth.fetch(`${config.apiUrl}/api/me`), false);
      } catch (err) {
        alert.show(explain(err), callApi);
      }
      await showTokens();
    });
  }

  // The billing API's token is asked for the first time the page calls it: one token request.
  async function callBilling() {
    await busy($('call-billing'), 'Calling…', async () => {
      try {
        await show(await auth.fetch(`${config.billingUrl}/api/me`), false);
        billingCalled = true;
      } catch (err) {
        alert.show(explain(err), callBilling);
      }
      await showTokens();
    });
  }

  // Each API's token as the page holds it: which audience it is for. Display only; the APIs check.
  let billingCalled = false;
  async function showTokens() {
    if (!auth.isAuthenticated()) return $('api-tokens').replaceChildren();
    const rows = [['Demo API', config.apiUrl, await auth.getAccessToken()]];
    if (billingCalled) rows.push(['Billing API', config.billingUrl, await auth.getAccessToken({ resource: config.billingUrl, scope: config.billingScope })]);
    $('api-tokens').replaceChildren(...rows.map(([name, url, token]) => {
      const payload = decodeJwt(token)?.payload ?? {};
      return el('li', { 'data-testid': `token-${name === 'Demo API' ? 'api' : 'billing'}` },
        el('strong', {}, name), ` ${url}: `, el('code', {}, short(token)), ` aud `, el('code', { 'data-testid': 'aud' }, JSON.stringify(payload.aud)), ` scope `, el('code', {}, String(payload.scope ?? '')));
    }));
  }

  async function callTampered() {
    await busy($('call-tampered'), 'Calling…', async () => {
      try {
        const [header, payload, signature] = (await auth.getAccessToken()).split('.');
        const tampered = `${header}.${payload}.${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`;
        // Plain fetch on purpose: auth.fetch would send the real token.
        await show(await fetch(`${config.apiUrl}/api/me`, { headers: { Authorization: `Bearer ${tampered}` } }), true);
      } catch (err) {
        alert.show(explain(err), callTampered);
      }
    });
  }

  $('call-api').addEventListener('click', callApi);
  $('call-billing').addEventListener('click', callBilling);
  $('call-tampered').addEventListener('click', callTampered);

  return {
    /** The card shows only while signed in. */
    render: () => {
      $('api-card').hidden = !auth.isAuthenticated();
      if (!auth.isAuthenticated()) billingCalled = false;
      return showTokens();
    },
  };
}
