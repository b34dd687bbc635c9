/**
 * Rows → ibm_db array insert: one `INSERT … VALUES (?, ?, …)` executed once per slice with
 * column-wise arrays (`{ParamType: 'ARRAY', Data: […]}` per column, ArraySize = rows).
 *
 * What ibm_db 4.0.1 does with such an array (src/odbc.cpp GetArrayParam, BindParameters) shapes
 * everything here:
 * - A column's C type is chosen from its first non-null element, and a DECIMAL/BIGINT bound as a C
 *   double would lose digits: every non-binary value is bound as text, which DB2 converts exactly on
 *   assignment to the column's type.
 * - A Data array whose first element is a Buffer is taken as the chunks of ONE LOB (data-at-exec,
 *   lib/odbc.js parseParams), not one value per row: binary values are bound as Latin-1 strings with
 *   the C type BINARY, which ibm_db copies byte for byte (napi_get_value_string_latin1), so binary
 *   columns take the array path too, one execute per slice.
 * - Each element is copied into a buffer of the longest value so far + 1, and the array into one
 *   zero-filled buffer of rows × longest value: one long value costs its length on every row of the
 *   slice. A slice is cut so that rows × (longest + 1), summed over the columns, stays within
 *   MAX_BOUND_BYTES.
 * - A column NULL in every row of the slice is bound with column size 0, a precision no DB2 type has
 *   (the CLI refuses it with HY104): such a column gets the NULL keyword in VALUES instead of a marker.
 */
import type { Column } from '../../columns';
import type { WarehouseTable } from '../warehouse';
import { sliceRows, type Row, type Value } from '../../rows';
import type { IbmDbParam } from '../../dialect/db2/db2-connection';
import { ident } from '../../dialect/db2/db2-sql';

/**
 * Bytes of bound buffers ibm_db may allocate for one array execute. ibm_db holds the per-element
 * copies and the array at once, so its peak is up to twice this; 16 MiB keeps that far inside the
 * 200 MB a load may use, while a slice of short values (a few dozen bytes a row) is never cut by it
 * below the transaction's row bound. A slice holding one 1 MB value keeps about 15 rows; a value
 * longer than the budget is loaded in a slice of its own.
 */
export const MAX_BOUND_BYTES = 16 * 1024 * 1024;

export interface SliceLimits {
  /** Estimated transaction-log bytes (estimateRowBytes) per slice. */
  maxBytes: number;
  maxRows: number;
  /** rows × (longest bound value + 1), summed over the columns (see MAX_BOUND_BYTES). */
  maxBoundBytes: number;
}

export interface ArrayInsert {
  sql: string;
  params: IbmDbParam[];
}

function isBinary(column: Column): boolean {
  return column.type.kind === 'binary';
}

/** A value as ibm_db gets it: text (UTF-8 bytes), or for a binary column Latin-1 text of its bytes. */
function bound(value: Value, binary: boolean): string | null {
  if (value === null) return null;
  if (typeof value === 'number') return String(value);
  if (binary)
    return typeof value === 'string' ? Buffer.from(value, 'latin1').toString('latin1') : value.toString('latin1');
  if (typeof value === 'string') return value;
  // A Buffer for a character column (e.g. MySQL BINARY into VARCHAR) is refused by the preflight;
  // latin1 keeps its bytes if it ever gets here.
  return value.toString('latin1');
}

/** Bytes ibm_db copies for a value: UTF-8 for text, one byte per character for binary. */
function boundLength(value: Value, binary: boolean): number {
  if (value === null) return 0;
  if (typeof value === 'number') return String(value).length;
  if (typeof value === 'string') return binary ? value.length : Buffer.byteLength(value);
  return value.length;
}

/** The slice's statement and its ARRAY parameters, for `query({sql, params, ArraySize: rows.length})`. */
export function arrayInsert(table: WarehouseTable, columns: Column[], rows: Row[]): ArrayInsert {
  const params: IbmDbParam[] = [];
  const values: string[] = [];
  columns.forEach((column, j) => {
    const binary = isBinary(column);
    const data = new Array<string | null>(rows.length);
    let longest = -1;
    for (let i = 0; i < rows.length; i++) {
      const value = bound(rows[i][j], binary);
      data[i] = value;
      if (value !== null && value.length > longest) longest = value.length;
    }
    if (longest < 0) {
      values.push('NULL');
      return;
    }
    values.push('?');
    const param: IbmDbParam = binary
      ? { ParamType: 'ARRAY', CType: 'BINARY', DataType: /^BLOB/i.test(column.sqlType) ? 'BLOB' : 'BINARY', Data: data }
      : { ParamType: 'ARRAY', DataType: 'CHAR', Data: data };
    // ibm_db sizes the buffer (and the column size) by the longest element: a column of only empty
    // values would be bound with size 0, which the CLI refuses as an invalid precision.
    if (longest === 0) param.Length = 1;
    params.push(param);
  });
  const sql =
    `INSERT INTO ${table.sql} (${columns.map((c) => ident(c.name)).join(', ')}) VALUES ` + `(${values.join(', ')})`;
  return { sql, params };
}

/**
 * Splits a batch into consecutive slices that each stay within the limits (rows.ts sliceRows): the
 * log bytes of its rows, its row count, and its rows × Σ(longest bound value + 1) over the columns.
 */
export function slicesWithin(rows: Row[], columns: Column[], limits: SliceLimits): Row[][] {
  const binary = columns.map(isBinary);
  const lengths = new Array<number>(columns.length).fill(0);
  const longest = new Array<number>(columns.length).fill(0);
  let logBytes = 0;
  let rowBytes = 0;
  // Σ over the columns of (longest bound value + 1) in the current slice, and with the next row.
  let width = columns.length;
  let widened = width;
  return sliceRows(rows, {
    fits(row, count) {
      // Bytes the row adds to the transaction log, roughly: its values plus a record header.
      rowBytes = 100;
      widened = width;
      for (let j = 0; j < columns.length; j++) {
        const value = row[j];
        const length = boundLength(value, binary[j]);
        lengths[j] = length;
        rowBytes += value === null ? 1 : typeof value === 'number' ? 8 : length;
        if (length > longest[j]) widened += length - longest[j];
      }
      return (
        logBytes + rowBytes <= limits.maxBytes &&
        count < limits.maxRows &&
        (count + 1) * widened <= limits.maxBoundBytes
      );
    },
    add(fresh) {
      if (fresh) {
        logBytes = 0;
        widened = columns.length;
        for (let j = 0; j < columns.length; j++) widened += lengths[j];
      }
      for (let j = 0; j < columns.length; j++) if (fresh || lengths[j] > longest[j]) longest[j] = lengths[j];
      width = widened;
      logBytes += rowBytes;
    },
  });
}
