import { describe, expect, it } from 'vitest';
import { readBinding } from '../../../src/server/verifier/binding.js';

describe('readBinding: cnf (RFC 7800 §3.1)', () => {
  it('no cnf: a Bearer token', () => {
    expect(readBinding({ sub: 'a' })).toEqual({ kind: 'none' });
  });

  it('jkt alone: DPoP-bound to that thumbprint (RFC 9449 §6.1)', () => {
    expect(readBinding({ cnf: { jkt: '0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I' } })).toEqual({
      kind: 'dpop',
      jkt: '0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I',
    });
  });

  it.each([
    ['jkt beside x5t#S256 (bound two ways)', { jkt: 'a', 'x5t#S256': 'b' }],
    ['x5t#S256 alone (RFC 8705)', { 'x5t#S256': 'b' }],
    ['jkt beside a method not yet registered', { jkt: 'a', future: 1 }],
    ['an empty jkt', { jkt: '' }],
    ['a jkt that is not a string', { jkt: 42 }],
    ['no method at all', {}],
    ['not an object', 'a'],
    ['an array', ['a']],
    ['null', null],
  ])('%s: a binding this API cannot check', (_, cnf) => {
    expect(readBinding({ cnf })).toEqual({ kind: 'unchecked' });
  });
});
