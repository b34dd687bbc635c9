/**
 * Values the warehouse column's type admits in general but not in every case the source column
 * can have: a NUL character (PostgreSQL text cannot store U+0000) and a TIME outside one day
 * (MySQL's TIME spans -838:59:59 to 838:59:59, PostgreSQL's time 00:00:00 to 24:00:00). Types
 * alone would refuse every such column, so the values are looked at instead: the run's preflight
 * asks the source for the first offending row among those it will load (exit 2, nothing written),
 * and every batch is checked again as a last net (rows committed in staging after the preflight).
 */
import type { ColumnPair } from './columns';

export type ValueCheckKind = 'nul' | 'day-time';

export interface ValueCheck {
  kind: ValueCheckKind;
  /** Index of the column in the row (the plan's pair order). */
  index: number;
  pair: ColumnPair;
}

/** The checks the pairs need, in column order. */
export function valueChecks(pairs: ColumnPair[]): ValueCheck[] {
  return pairs.flatMap((pair, index): ValueCheck[] => {
    const s = pair.source.type;
    const w = pair.warehouse.type;
    if (s.kind === 'text' && w.kind === 'text' && w.nulFree) return [{ kind: 'nul', index, pair }];
    if (s.kind === 'time' && !s.day && w.kind === 'time' && w.day) return [{ kind: 'day-time', index, pair }];
    return [];
  });
}

/** Whether `value` (as the source reads it: text, or TIME as `[-]H:MM:SS[.f]`) fails the check. */
export function failsCheck(kind: ValueCheckKind, value: unknown): boolean {
  if (typeof value !== 'string') return false;
  return kind === 'nul' ? value.includes('\u0000') : !withinDay(value);
}

function withinDay(time: string): boolean {
  const m = /^(\d+):(\d\d):(\d\d)(?:\.(\d+))?$/.exec(time);
  if (!m) return false;
  const hours = Number(m[1]);
  return hours < 24 || (hours === 24 && m[2] === '00' && m[3] === '00' && !/[1-9]/.test(m[4] ?? ''));
}

/** The message for a row whose column fails a check: names the key and the column, and the fix. */
export function failedCheckMessage(check: ValueCheck, keyName: string, key: string, value: unknown): string {
  const { source, warehouse } = check.pair;
  const column = `which warehouse column ${warehouse.name} ${warehouse.sqlType} cannot hold`;
  return check.kind === 'nul'
    ? rowValueMessage(keyName, key, 'a NUL character (U+0000)', source.name, `${column}; remove it in staging`)
    : rowValueMessage(
        keyName,
        key,
        `the TIME "${String(value)}"`,
        source.name,
        `${column} (00:00:00 to 24:00:00); fix that row in staging, or use a MySQL warehouse for it`,
      );
}

/** The message for a row with a value the warehouse cannot hold: the row's key, `what`, its column, and `why`. */
export function rowValueMessage(keyName: string, key: string, what: string, column: string, why: string): string {
  return `row ${keyName}=${key} has ${what} in column ${column}, ${why}`;
}

/** The `what` and `why` of a MySQL zero date in a row: it stops the run. */
export function zeroDate(value: string): { what: string; why: string } {
  return {
    what: `the MySQL zero date "${value}"`,
    why: 'which the warehouse cannot hold; fix that row in staging (e.g. set it to NULL)',
  };
}

const ZERO = 0x30;

/** `0000-…`, `YYYY-00-…` or `YYYY-MM-00…`, MySQL's zero dates (and zero parts), as text in `src[p..p+len)`. */
export function isZeroDate(src: Uint8Array, p: number, len: number): boolean {
  if (len < 10) return false;
  return (
    (src[p] === ZERO && src[p + 1] === ZERO && src[p + 2] === ZERO && src[p + 3] === ZERO) ||
    (src[p + 5] === ZERO && src[p + 6] === ZERO) ||
    (src[p + 8] === ZERO && src[p + 9] === ZERO)
  );
}

/** Where a date's text is copied to be looked at: its first 10 characters are all that count. */
const scratch = Buffer.alloc(10);

/** isZeroDate for a date or timestamp read as text. */
export function isZeroDateText(text: string): boolean {
  scratch.write(text, 0, 10, 'latin1');
  return isZeroDate(scratch, 0, text.length);
}
