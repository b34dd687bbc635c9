/**
 * The JavaScript side of verify's canonical row text (lib/canonical.ts): the float rendering that
 * warehouses digesting in Node use, which fields are digested by MD5, and how a key's several rows
 * are kept. Expected values are written out by hand, not derived from the module's constants.
 */
import { addRowDigest, floatText, floatTextFromDecimal, isDigested, isLargeField, rowsIn } from '../../lib/canonical';

describe('float text: shortest round-trip digits D and exponent E, value = ±0.D × 10^E', () => {
  test.each([
    ['1.5', '15e1'],
    ['0.00015', '15e-3'],
    ['1.5e-07', '15e-6'],
    ['0.00000015', '15e-6'],
    ['1e20', '1e21'],
    ['1e+20', '1e21'],
    ['100000000000000000000', '1e21'],
    ['999999986991104', '999999986991104e15'],
    ['-2.5', '-25e1'],
    ['-0.000123', '-123e-3'],
    ['0', '0'],
    ['-0', '0'],
    ['0.0', '0'],
    ['120', '12e3'],
    ['5e-324', '5e-323'],
  ])('%s → %s', (text, expected) => {
    expect(floatTextFromDecimal(text)).toBe(expected);
  });

  test('a FLOAT is taken at 4-byte precision, widened to a double', () => {
    expect(floatText(1.2345678, 32)).toBe('12345677614212036e1');
    expect(floatText(16777217, 32)).toBe('16777216e8');
    expect(floatText(16777217, 64)).toBe('16777217e8');
    expect(floatText(0.1 + 0.2, 64)).toBe('30000000000000004e0');
    expect(floatText(-1e21, 64)).toBe('-1e22');
  });
});

test('floats are digested; JSON is not', () => {
  expect(isDigested({ kind: 'float', bits: 32 })).toBe(true);
  expect(isDigested({ kind: 'float', bits: 64 })).toBe(true);
  expect(isDigested({ kind: 'json' })).toBe(false);
});

test('TEXT, BLOB and larger are digested as the MD5 of their value; VARCHAR is not', () => {
  expect(isLargeField({ kind: 'text', maxChars: 16383, maxBytes: 65532 })).toBe(false);
  expect(isLargeField({ kind: 'text', maxChars: 65535, maxBytes: 65535 })).toBe(true);
  expect(isLargeField({ kind: 'text', maxChars: null, maxBytes: null })).toBe(true);
  expect(isLargeField({ kind: 'binary', maxBytes: 4294967295 })).toBe(true);
  expect(isLargeField({ kind: 'binary', maxBytes: 16 })).toBe(false);
  expect(isLargeField({ kind: 'integer', bits: 64, unsigned: false })).toBe(false);
});

test('a key held by several rows keeps every digest, sorted', () => {
  const digests = new Map<bigint, string>();
  addRowDigest(digests, 5n, 'bb');
  addRowDigest(digests, 5n, 'aa');
  addRowDigest(digests, 5n, 'bb');
  addRowDigest(digests, 6n, 'cc');
  expect(digests).toEqual(
    new Map([
      [5n, 'aa,bb,bb'],
      [6n, 'cc'],
    ]),
  );
  expect(rowsIn(digests.get(5n)!)).toBe(3);
  expect(rowsIn(digests.get(6n)!)).toBe(1);
});
