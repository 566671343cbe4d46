import { describe, expect, it } from 'vitest';
import { isErrorEnvelope } from './errors.ts';

describe('error envelope', () => {
  it('accepts a well-formed envelope with and without a field', () => {
    expect(isErrorEnvelope({ error: { code: 'not_found', message: 'No such route' } })).toBe(true);
    expect(
      isErrorEnvelope({ error: { code: 'validation_failed', message: 'Too short', field: 'username' } }),
    ).toBe(true);
  });

  it('rejects unknown codes and wrong shapes', () => {
    expect(isErrorEnvelope({ error: { code: 'nope', message: 'x' } })).toBe(false);
    expect(isErrorEnvelope({ error: { code: 'not_found' } })).toBe(false);
    expect(isErrorEnvelope({ error: { code: 'not_found', message: 'x', field: 3 } })).toBe(false);
    expect(isErrorEnvelope(null)).toBe(false);
    expect(isErrorEnvelope('error')).toBe(false);
  });
});
