/**
 * KeyRange: the keys (low, high] every read of the cycle and of verify is about, and the one SQL
 * predicate every dialect uses for it.
 */
import { bucketDigest, KeyRange, keyStatsOf, rangeDigestsOf, rowDigestsOf } from '../../lib/key-range';

const MIN = -(2n ** 63n);

test('renders (low, high] as low + 1 to high, so that no literal leaves BIGINT at its smallest key', () => {
  expect(new KeyRange(5n, 10n).sql('"id"')).toBe('"id" >= 6 AND "id" <= 10');
  expect(new KeyRange(MIN - 1n, MIN + 2n).sql('k')).toBe(`k >= ${MIN} AND k <= ${MIN + 2n}`);
  expect(new KeyRange(null, 10n).sql('`id`')).toBe('`id` <= 10');
});

test('holds the keys above low up to high, none when low is not below high', () => {
  const range = new KeyRange(5n, 10n);
  expect([4n, 5n, 6n, 10n, 11n].map((k) => range.has(k))).toEqual([false, false, true, true, false]);
  expect(new KeyRange(null, 10n).has(MIN)).toBe(true);
  expect([
    new KeyRange(5n, 10n).empty,
    new KeyRange(10n, 10n).empty,
    new KeyRange(11n, 10n).empty,
    new KeyRange(null, 10n).empty,
  ]).toEqual([false, true, true, false]);
  expect(range.size).toBe(5n);
  expect(() => new KeyRange(null, 10n).size).toThrow('the range (-inf, 10] has no lower end');
});

test('a keyset walk: the rest above a page, and a page up to its last key, cover each key once', () => {
  const range = new KeyRange(0n, 100n);
  expect(String(range.above(40n))).toBe('(40, 100]');
  expect(String(range.upTo(40n))).toBe('(0, 40]');
  expect(String(new KeyRange(null, 7n).above(null))).toBe('(-inf, 7]');
});

test('bucket b of a range starts b widths above its low end', () => {
  expect(bucketDigest(new KeyRange(10n, 100n), 8n, 0n, 3, '42')).toEqual({
    low: 10n,
    high: 18n,
    count: 3,
    checksum: '42',
  });
  expect(bucketDigest(new KeyRange(10n, 100n), 8n, 3n, 1, '7')).toEqual({
    low: 34n,
    high: 42n,
    count: 1,
    checksum: '7',
  });
});

test("a dialect's bucket rows become digests, counts and keys as text or numbers", () => {
  const range = new KeyRange(10n, 100n);
  expect(
    rangeDigestsOf(
      [
        ['0', 2n, '5'],
        ['3', '1', 7],
      ],
      range,
      8n,
    ),
  ).toEqual([bucketDigest(range, 8n, 0n, 2, '5'), bucketDigest(range, 8n, 3n, 1, '7')]);
  const twice = (text: string) => 2n * BigInt(text);
  expect(rangeDigestsOf([['2', 1, '9']], range, 8n, twice)).toEqual([bucketDigest(range, 8n, 4n, 1, '9')]);
});

test("a dialect's row digest rows map each key to its digests, a repeated key's sorted and joined", () => {
  const digests = rowDigestsOf([
    ['5', 'bb'],
    ['6', 'cc'],
    ['5', 'aa'],
  ]);
  expect([...digests]).toEqual([
    [5n, 'aa,bb'],
    [6n, 'cc'],
  ]);
  expect([...rowDigestsOf([['1.0', 'dd']], (text) => BigInt(text.replace('.0', '')))]).toEqual([[1n, 'dd']]);
});

test("key statistics from a dialect's totals and duplicates, the sample as a list or as comma-separated text", () => {
  const expected = {
    rows: 9,
    nullKeys: 1,
    min: -3n,
    max: 40n,
    duplicateKeys: 2,
    duplicateRows: 3,
    duplicateSample: [4n, 7n],
  };
  expect(keyStatsOf(['9', '1', '-3', '40'], ['2', '3', '4,7'])).toEqual(expected);
  expect(keyStatsOf([9, 1, -3, 40], [2, 3, ['4', '7']])).toEqual(expected);
  expect(keyStatsOf(['0', '0', null, undefined], ['0', '0', ''])).toEqual({
    rows: 0,
    nullKeys: 0,
    min: null,
    max: null,
    duplicateKeys: 0,
    duplicateRows: 0,
    duplicateSample: [],
  });
  expect(keyStatsOf(['1', '0', '5.', '5.'], ['0', '0', null], (text) => BigInt(text.replace('.', '')))).toMatchObject({
    min: 5n,
    max: 5n,
    duplicateSample: [],
  });
});
