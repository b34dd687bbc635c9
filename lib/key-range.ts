import { addRowDigest } from './canonical';
import type { Column, ColumnPair } from './columns';

/**
 * The keys (low, high] of one table's key column: what the watermark, every page of new rows, the
 * late window and verify's buckets are. Open below, closed above, so that consecutive ranges
 * (a, b], (b, c] cover every key once: a page that ends at key b is followed by the range above b.
 */
export class KeyRange {
  /** `low` null: from the first key (an empty warehouse has no watermark). */
  constructor(
    readonly low: bigint | null,
    readonly high: bigint,
  ) {}

  /**
   * The SQL condition for keys of `keySql` in the range, the same in every dialect: written as
   * `>= low + 1` so that no literal leaves the key's type when the smallest key is BIGINT's minimum
   * (a literal outside it would compare as DECIMAL/numeric, and no index range scan is used then).
   */
  sql(keySql: string): string {
    return this.low === null
      ? `${keySql} <= ${this.high}`
      : `${keySql} >= ${this.low + 1n} AND ${keySql} <= ${this.high}`;
  }

  /** True when no key can be in the range. */
  get empty(): boolean {
    return this.low !== null && this.low >= this.high;
  }

  /** How many keys the range can hold; `low` must be known. */
  get size(): bigint {
    if (this.low === null) throw new Error(`the range ${this} has no lower end`);
    return this.high - this.low;
  }

  has(key: bigint): boolean {
    return (this.low === null || key > this.low) && key <= this.high;
  }

  /** The part of this range above `key` (the rest of a keyset walk after a page ending at `key`). */
  above(key: bigint | null): KeyRange {
    return new KeyRange(key, this.high);
  }

  /** The part of this range up to `key`. */
  upTo(key: bigint): KeyRange {
    return new KeyRange(this.low, key);
  }

  toString(): string {
    return `(${this.low ?? '-inf'}, ${this.high}]`;
  }
}

/** One bucket's row count and checksum over the canonical text of the compared columns. */
export interface RangeDigest {
  /** Keys in (low, high]. */
  low: bigint;
  high: bigint;
  count: number;
  checksum: string;
}

/**
 * Bucket `bucket` of `range` cut into buckets of `width` keys from its lower end (bucket 0 starts
 * above `range.low`), as verify's rangeDigests number them in SQL.
 */
export function bucketDigest(
  range: KeyRange,
  width: bigint,
  bucket: bigint,
  count: number,
  checksum: string,
): RangeDigest {
  const low = range.low! + bucket * width;
  return { low, high: low + width, count, checksum };
}

/**
 * A dialect's rangeDigests answer, a row of (bucket, count, checksum) per bucket, as RangeDigests.
 * Counts may arrive as numbers or text; `key` reads a bucket number's text.
 */
export function rangeDigestsOf(
  rows: unknown[][],
  range: KeyRange,
  width: bigint,
  key: (text: string) => bigint = BigInt,
): RangeDigest[] {
  return rows.map(([bucket, count, checksum]) =>
    bucketDigest(range, width, key(String(bucket)), Number(count), String(checksum)),
  );
}

/** A dialect's rowDigests answer, a row of (key, digest) per table row, keyed as addRowDigest keys it. */
export function rowDigestsOf(rows: unknown[][], key: (text: string) => bigint = BigInt): Map<bigint, string> {
  const digests = new Map<bigint, string>();
  for (const [k, digest] of rows) addRowDigest(digests, key(String(k)), String(digest));
  return digests;
}

/** What verify learns about a table's key column in one pass, beyond its buckets. */
export interface KeyStats {
  /** All rows, including those with a NULL key. */
  rows: number;
  min: bigint | null;
  max: bigint | null;
  nullKeys: number;
  /** Keys held by more than one row. */
  duplicateKeys: number;
  /** Rows beyond the first of each duplicated key: the rows that are doubled. */
  duplicateRows: number;
  /** The smallest duplicated keys, ascending, at most KEY_STATS_SAMPLE. */
  duplicateSample: bigint[];
}

export const KEY_STATS_SAMPLE = 20;

/**
 * KeyStats from a dialect's two answers: the totals (rows, NULL keys, smallest and largest key) and
 * the duplicates (duplicated keys, doubled rows, the sample as a list of keys or as comma-separated
 * text). Counts and keys may arrive as numbers or text; `key` reads one key's text.
 */
export function keyStatsOf(totals: unknown[], duplicates: unknown[], key: (text: string) => bigint = BigInt): KeyStats {
  const keyOrNull = (v: unknown) => (v === null || v === undefined ? null : key(String(v)));
  const sample = duplicates[2];
  const sampleKeys = Array.isArray(sample)
    ? sample.map(String)
    : sample === null || sample === undefined || sample === ''
      ? []
      : String(sample).split(',');
  return {
    rows: Number(totals[0]),
    nullKeys: Number(totals[1]),
    min: keyOrNull(totals[2]),
    max: keyOrNull(totals[3]),
    duplicateKeys: Number(duplicates[0]),
    duplicateRows: Number(duplicates[1]),
    duplicateSample: sampleKeys.map(key),
  };
}

/**
 * The reads a source and a warehouse share, over one table (`T`: each side's described table) and
 * its key column, so that the cycle's checks and verify ask both sides the same questions.
 */
export interface KeyReads<T> {
  /** Largest key in the table (a warehouse's: the watermark); null when the table is empty. */
  maxKey(table: T, key: Column): Promise<bigint | null>;
  /** Rows with key in the range. */
  countKeys(table: T, key: Column, range: KeyRange): Promise<number>;
  /** Keys in the range, ascending; with `limit`, only the first `limit` of them. */
  listKeys(table: T, key: Column, range: KeyRange, limit?: number): Promise<bigint[]>;
  /**
   * Verification, computed in SQL: rows with key in the range grouped into buckets of `width`
   * keys (bucket 0 starts just above `range.low`, which must be known), each with its row count and
   * the sum of its rows' canonical digests (lib/canonical.ts). Only non-empty buckets are returned.
   */
  rangeDigests(table: T, key: Column, pairs: ColumnPair[], range: KeyRange, width: bigint): Promise<RangeDigest[]>;
  /**
   * Per-row canonical digest (hex MD5) for keys in the range; used only on small ranges that differ.
   * A key held by several rows maps to all their digests, sorted and comma-joined (canonical.ts addRowDigest).
   */
  rowDigests(table: T, key: Column, pairs: ColumnPair[], range: KeyRange): Promise<Map<bigint, string>>;
  /** Verify: row count, key range, NULL keys and duplicated keys of the whole table, computed in SQL. */
  keyStats(table: T, key: Column): Promise<KeyStats>;
}
