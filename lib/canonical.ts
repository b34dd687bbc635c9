/**
 * The canonical text of a row, which `verify` digests on both sides in SQL. Each field is rendered
 * in the format of the *source* column's type, so that MySQL and any warehouse produce the same
 * bytes for the same values:
 *
 *   integer            decimal digits                    123, -9223372036854775808
 *   decimal(p,s)       exactly s fractional digits        12.50
 *   text               as stored
 *   binary             lower-case hex                    00ff10
 *   date               YYYY-MM-DD
 *   time               HH:MM:SS.ffffff
 *   timestamp          YYYY-MM-DD HH:MM:SS.ffffff (UTC)
 *   NULL               \N
 *
 * Fields are joined by U+001F (unit separator). A row's digest is MD5 of that text; a range's
 * checksum is the sum of the first 15 hex digits of its rows' digests, taken as integers.
 * Floats, JSON and unsupported types are left out of the text (their rendering differs between
 * databases); rows with such columns are still counted.
 */
import type { ColumnPair, ColumnType } from './columns';

export const FIELD_SEPARATOR = '\u001f';
export const NULL_TEXT = '\\N';

/** Whether a column's values take part in the canonical text. */
export function isDigested(type: ColumnType): boolean {
  return !['float', 'json', 'other', 'boolean'].includes(type.kind);
}

export function digestedPairs(pairs: ColumnPair[]): ColumnPair[] {
  return pairs.filter((p) => isDigested(p.source.type));
}
