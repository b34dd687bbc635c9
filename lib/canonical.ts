/**
 * The canonical text of a row, which `verify` digests on both sides in SQL. Each field is rendered
 * in the format of the *source* column's type, so that MySQL and any warehouse produce the same
 * bytes for the same values:
 *
 *   integer            decimal digits                    123, -9223372036854775808
 *   decimal(p,s)       exactly s fractional digits        12.50
 *   float / double     the value at the source's precision (FLOAT is a 4-byte float), widened to a
 *                      double; its shortest round-trip digits D (no leading or trailing zeros) and
 *                      the exponent E with value = ±0.D × 10^E, written [-]DeE; zero is 0
 *                      1.5 → 15e1, 0.00015 → 15e-3, -1e20 → -1e21, float 1.2345678 → 12345677614212036e1
 *   text               as stored (UTF-8)
 *   binary             lower-case hex                    00ff10
 *   date               YYYY-MM-DD
 *   time               HH:MM:SS.ffffff
 *   timestamp          YYYY-MM-DD HH:MM:SS.ffffff (UTC)
 *   NULL               \N
 *
 * A text or binary column whose source type can hold LARGE_FIELD_BYTES or more (TEXT, BLOB and
 * larger) is rendered as the lower-case hex MD5 of its text (of its bytes, for binary), so that
 * the row text stays small: MySQL refuses to build a string above max_allowed_packet, which a
 * single LONGTEXT value can exceed.
 *
 * Fields are joined by U+001F (unit separator). A row's digest is MD5 of that text; a range's
 * checksum is the sum of the first 15 hex digits of its rows' digests, taken as integers.
 * JSON (databases normalise it differently) and types without a logical kind are left out of the
 * text; rows with such columns are still counted.
 */
import type { ColumnPair, ColumnType } from './columns';

export const FIELD_SEPARATOR = '\u001f';
export const NULL_TEXT = '\\N';
/** MySQL's row-size limit for non-BLOB columns: narrower fields together always fit a row text. */
export const LARGE_FIELD_BYTES = 65_535;

/** Whether a column's values take part in the canonical text. */
export function isDigested(type: ColumnType): boolean {
  return !['json', 'other', 'boolean'].includes(type.kind);
}

export function digestedPairs(pairs: ColumnPair[]): ColumnPair[] {
  return pairs.filter((p) => isDigested(p.source.type));
}

/** Whether the field is rendered as the MD5 of its text (see above), decided by the source type. */
export function isLargeField(type: ColumnType): boolean {
  if (type.kind !== 'text' && type.kind !== 'binary') return false;
  return type.maxBytes === null || type.maxBytes >= LARGE_FIELD_BYTES;
}

/**
 * The canonical float text from any decimal rendering of the value (`1.5e-07`, `1e20`,
 * `0.00000015`, `123.0`): the JavaScript twin of the SQL each side runs, used where a warehouse
 * renders rows in Node.
 */
export function floatTextFromDecimal(text: string): string {
  const m = /^\s*(-?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?\s*$/.exec(text);
  if (!m) return text;
  const [, sign, intPart = '', fraction = '', exponent = '0'] = m;
  const digits = intPart + fraction;
  const trimmed = digits.replace(/^0+/, '');
  if (trimmed === '') return '0';
  const point = intPart.length + Number(exponent) - (digits.length - trimmed.length);
  return `${sign}${trimmed.replace(/0+$/, '')}e${point}`;
}

/** The canonical text of a float value: `bits` is the *source* column's precision. */
export function floatText(value: number, bits: 32 | 64): string {
  const v = bits === 32 ? Math.fround(value) : value;
  if (!Number.isFinite(v)) return String(v);
  return floatTextFromDecimal(String(v));
}

/**
 * Adds one row's digest to a key → digests map (Warehouse.rowDigests): a key held by several rows
 * maps to all their digests, sorted and comma-joined, so that a doubled row is seen.
 */
export function addRowDigest(digests: Map<bigint, string>, key: bigint, digest: string): void {
  const held = digests.get(key);
  digests.set(key, held === undefined ? digest : [...held.split(','), digest].sort().join(','));
}

/** How many rows a rowDigests entry stands for. */
export function rowsIn(digests: string): number {
  return digests.split(',').length;
}
