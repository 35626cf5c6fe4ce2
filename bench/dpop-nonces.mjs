// What DPoP server nonces cost in steady state: the demo as `npm run demo` runs it (DPoP-bound tokens,
// nonces at oidc-provider and at the API, the API's rotating every 60 s), a user signed in in real
// Chromium, and the demo page's "Call API" button clicked once a second. Counts every request that
// reaches the API and the token endpoint, CORS preflights included, and the use_dpop_nonce retries.
// Usage: npm run build && flock /tmp/browser.lock node bench/dpop-nonces.mjs [--minutes 10]
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { startDemo } from '../demo/start.mjs';

const { values: args } = parseArgs({ options: { minutes: { type: 'string', default: '10' }, ttl: { type: 'string', default: '60' } } });
const MINUTES = Number(args.minutes);

const counts = { api: 0, apiPreflight: 0, apiNonceRetry: 0, token: 0, tokenPreflight: 0, tokenNonceRetry: 0, apiOk: 0 };
const counting = (kind) => (handler) => (req, res) => {
  const path = new URL(req.url ?? '/', 'http://x').pathname;
  const isToken = kind === 'auth' && path.endsWith('/token');
  if (kind === 'api' || isToken) {
    const name = kind === 'api' ? 'api' : 'token';
    if (req.method === 'OPTIONS') counts[`${name}Preflight`]++;
    else {
      counts[name]++;
      res.on('finish', () => {
        const asked = res.statusCode === 401 ? /use_dpop_nonce/.test(String(res.getHeader('www-authenticate') ?? '')) : res.statusCode === 400 && isToken;
        if (asked) counts[`${name}NonceRetry`]++;
        if (kind === 'api' && res.statusCode === 200) counts.apiOk++;
      });
    }
  }
  return handler(req, res);
};

const demo = await startDemo({ quiet: true, accessTokenTtl: Number(args.ttl), wrap: { auth: counting('auth'), api: counting('api') } });
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1, EXCLUDE ::1'],
});
try {
  const page = await browser.newPage();
  await page.goto(demo.pageUrl);
  await page.locator('#sign-in').click();
  // oidc-provider's development login and consent pages, answered as a person would.
  while (new URL(page.url()).origin !== new URL(demo.pageUrl).origin || !(await page.locator('#signed-in:not([hidden])').count())) {
    if (new URL(page.url()).origin === demo.issuer) {
      const before = page.url();
      if (await page.locator('input[name="login"]').count()) {
        await page.locator('input[name="login"]').fill('alice');
        await page.locator('input[name="password"]').fill('any password');
      }
      await Promise.all([page.waitForURL((url) => url.href !== before), page.locator('button[type="submit"]').click()]);
    } else await page.waitForTimeout(100);
  }
  for (const key of Object.keys(counts)) counts[key] = 0;

  const calls = MINUTES * 60;
  const started = Date.now();
  for (let i = 0; i < calls; i++) {
    await page.locator('#call-api:not([disabled])').click();
    await page.waitForTimeout(Math.max(0, started + (i + 1) * 1000 - Date.now()));
  }
  await page.waitForTimeout(1000);
  const perCall = (n) => (n / calls).toFixed(3);
  console.log(`DPoP with server nonces, ${calls} API calls (one a second for ${MINUTES} min), access tokens of ${args.ttl} s, Chromium ${browser.version()}`);
  console.log('| requests | total | per API call |\n| --- | ---: | ---: |');
  console.log(`| API calls answered 200 | ${counts.apiOk} | ${perCall(counts.apiOk)} |`);
  console.log(`| requests to the API (without preflights) | ${counts.api} | ${perCall(counts.api)} |`);
  console.log(`| of which use_dpop_nonce answers | ${counts.apiNonceRetry} | ${perCall(counts.apiNonceRetry)} |`);
  console.log(`| CORS preflights to the API | ${counts.apiPreflight} | ${perCall(counts.apiPreflight)} |`);
  console.log(`| token requests (refreshes) | ${counts.token} | ${perCall(counts.token)} |`);
  console.log(`| of which use_dpop_nonce answers | ${counts.tokenNonceRetry} | ${perCall(counts.tokenNonceRetry)} |`);
} finally {
  await browser.close();
  await demo.close();
}
