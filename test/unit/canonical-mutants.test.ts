/**
 * Cases that kill mutants of lib/canonical.ts the original unit tests let live (npm run mutate):
 * which kinds are digested, the large-field boundary on both kinds, and float texts at the edges
 * of the decimal parser (no integer part, no fraction, upper-case exponent, spaces, non-numbers).
 */
import { digestedPairs, floatText, floatTextFromDecimal, isDigested, isLargeField } from '../../lib/canonical';
import type { Column, ColumnType } from '../../lib/columns';

test('every kind but JSON, boolean and unknown types is digested', () => {
  const digested: ColumnType[] = [
    { kind: 'integer', bits: 32, unsigned: false },
    { kind: 'decimal', precision: 10, scale: 2 },
    { kind: 'float', bits: 64 },
    { kind: 'text', maxChars: 5, maxBytes: 20 },
    { kind: 'binary', maxBytes: 4 },
    { kind: 'date' },
    { kind: 'time', fsp: 0 },
    { kind: 'timestamp', fsp: 6 },
  ];
  for (const t of digested) expect([t.kind, isDigested(t)]).toEqual([t.kind, true]);
  for (const t of [{ kind: 'json' }, { kind: 'other' }, { kind: 'boolean' }] as ColumnType[])
    expect([t.kind, isDigested(t)]).toEqual([t.kind, false]);
  const column = (name: string, type: ColumnType): Column => ({
    name,
    sqlType: name,
    type,
    nullable: true,
    hasDefault: false,
  });
  const pairs = [
    column('a', { kind: 'json' }),
    column('b', { kind: 'date' }),
    column('c', { kind: 'other' }),
    column('d', { kind: 'float', bits: 32 }),
  ].map((c) => ({ source: c, warehouse: column(c.name, { kind: 'text', maxChars: null, maxBytes: null }) }));
  expect(digestedPairs(pairs).map((p) => p.source.name)).toEqual(['b', 'd']);
});

test('large fields: 65,535 bytes or more, or unbounded, on text and binary alike; nothing else', () => {
  expect(isLargeField({ kind: 'text', maxChars: null, maxBytes: 65_534 })).toBe(false);
  expect(isLargeField({ kind: 'text', maxChars: null, maxBytes: 65_535 })).toBe(true);
  expect(isLargeField({ kind: 'binary', maxBytes: 65_534 })).toBe(false);
  expect(isLargeField({ kind: 'binary', maxBytes: 65_535 })).toBe(true);
  expect(isLargeField({ kind: 'binary', maxBytes: null })).toBe(true);
  expect(isLargeField({ kind: 'json' })).toBe(false);
  expect(isLargeField({ kind: 'decimal', precision: null, scale: null })).toBe(false);
});

test.each([
  ['.5', '5e0'],
  ['5.', '5e1'],
  ['0.000', '0'],
  ['-0.5', '-5e0'],
  ['1E5', '1e6'],
  ['1e-5', '1e-4'],
  ['2.50E+3', '25e4'],
  ['  1.5  ', '15e1'],
  ['007.10', '71e1'],
  ['10', '1e2'],
  ['0.01', '1e-1'],
  ['abc', 'abc'],
  ['1.2.3', '1.2.3'],
  ['+1.5', '+1.5'],
  ['1e', '1e'],
])('float text from %p → %p', (text, expected) => {
  expect(floatTextFromDecimal(text)).toBe(expected);
});

test('non-finite floats keep their JavaScript names; a double beyond FLOAT range is infinite at 4 bytes', () => {
  expect(floatText(Number.POSITIVE_INFINITY, 64)).toBe('Infinity');
  expect(floatText(Number.NEGATIVE_INFINITY, 32)).toBe('-Infinity');
  expect(floatText(Number.NaN, 64)).toBe('NaN');
  expect(floatText(1e39, 32)).toBe('Infinity');
  expect(floatText(1e39, 64)).toBe('1e40');
  expect(floatText(0.5, 32)).toBe('5e0');
});
