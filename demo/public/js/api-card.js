// The API card: auth.fetch() to the demo API, and the same call with a tampered token.
import { $, busy, el } from './dom.js';
import { explain, explainApi } from './explain.js';
import { readBody } from './format.js';

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
    });
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
  $('call-tampered').addEventListener('click', callTampered);

  return {
    /** The card shows only while signed in. */
    render: () => {
      $('api-card').hidden = !auth.isAuthenticated();
    },
  };
}
