// The "step by step" column: this page load's restore, then the steps of its sign-in and session,
// drawn from the flow (flow.js) every time it changes.
import { $, el } from './dom.js';
import { renderLoadPanel } from './load-panel.js';
import { stepApi, stepRefresh, stepSignout } from './steps-session.js';
import { stepAuthorize, stepCallback, stepJwks, stepPkce, stepToken } from './steps-sign-in.js';

const STEPS = [
  ['pkce', 'Make a one-time secret: code_verifier → code_challenge', stepPkce],
  ['authorize', 'Send the browser to the authorization endpoint', stepAuthorize],
  ['callback', 'Sign in at the server, come back to /callback', stepCallback],
  ['token', 'Exchange the code + code_verifier for tokens', stepToken],
  ['jwks', 'Verify the ID token with the server\'s public key (JWKS)', stepJwks],
  ['api', 'Call the API with the access token', stepApi],
  ['refresh', 'Refresh before the access token expires', stepRefresh],
  ['signout', 'Sign out', stepSignout],
];

const BADGES = { done: 'Done', failed: 'Refused', waiting: 'In progress', pending: 'Not yet', skipped: 'Not sent' };

/** Draws the column now and after every change of `flow`; `config` once it is known. */
export function createStepsView(flow) {
  let config;
  function render() {
    const f = flow.data;
    $('page-load').replaceChildren(renderLoadPanel(f));
    $('steps').replaceChildren(...STEPS.map(([id, defaultTitle, build]) => {
      const { state, title, text, body } = build(f, config);
      return el('li', { class: 'step', 'data-step': id, 'data-state': state, 'data-testid': `step-${id}` },
        el('div', { class: 'step-head' },
          el('h3', { class: 'step-title' }, title ?? defaultTitle),
          el('span', { class: `badge ${state}` }, BADGES[state])),
        el('p', { class: 'step-text' }, text),
        body ?? null);
    }));
  }
  flow.onChange(render);
  render();
  return {
    useConfig(value) {
      config = value;
      render();
    },
  };
}
