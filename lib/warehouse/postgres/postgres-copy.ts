/** Rows → COPY text format (tab-separated, `\N` for NULL, backslash escapes), built per batch. */
import type { Row, Value } from '../warehouse';

const NEEDS_ESCAPE = /[\\\t\n\r]/;

function escapeText(text: string): string {
  if (!NEEDS_ESCAPE.test(text)) return text;
  return text.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

export function encodeValue(value: Value): string {
  if (value === null) return '\\N';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return escapeText(value);
  // bytea hex input `\x…`; the backslash itself is escaped in COPY text.
  return '\\\\x' + value.toString('hex');
}

/** One COPY payload for a batch. */
export function encodeRows(rows: Row[]): string {
  const lines = new Array<string>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i];
    let line = encodeValue(row[0]);
    for (let j = 1; j < row.length; j++) line += '\t' + encodeValue(row[j]);
    lines[i] = line;
  }
  return lines.join('\n') + '\n';
}
