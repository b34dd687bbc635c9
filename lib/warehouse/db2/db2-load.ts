/**
 * Rows → ibm_db array insert: one `INSERT … VALUES (?, ?, …)` executed once per batch with
 * column-wise arrays (`{ParamType: 'ARRAY', Data: […]}` per column, ArraySize = rows).
 *
 * Every non-binary value is bound as text (DB2 converts it on assignment to the column's type), for
 * two reasons found in ibm_db's binder (src/odbc.cpp GetArrayParam): a column's C type is chosen from
 * its first non-null element, so a column mixing JS numbers and strings would be misread; and a
 * DECIMAL/BIGINT bound as a C double would lose digits. Text is exact for every type we load.
 *
 * Binary columns cannot go through the array path: ibm_db 4 treats a Data array whose first element
 * is a Buffer as the chunks of ONE LOB (data-at-exec, lib/odbc.js parseParams), not as one value per
 * row. Batches with a binary column are inserted row by row through one prepared statement, still
 * inside the batch's single transaction.
 */
import type { Column } from '../../columns';
import type { Row, Value, WarehouseTable } from '../warehouse';
import type { IbmDbParam, IbmDbValue } from '../../dialect/db2/db2-connection';
import { ident } from '../../dialect/db2/db2-sql';

export function insertSql(table: WarehouseTable, columns: Column[]): string {
  return `INSERT INTO ${table.sql} (${columns.map((c) => ident(c.name)).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`;
}

export function hasBinaryColumn(columns: Column[]): boolean {
  return columns.some((c) => c.type.kind === 'binary');
}

function asText(value: Value): string | null {
  if (value === null) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  // A Buffer for a character column (e.g. MySQL BINARY into VARCHAR) is refused by the preflight;
  // latin1 keeps its bytes if it ever gets here.
  return value.toString('latin1');
}

/** One ARRAY parameter per column, for `query({sql, params, ArraySize})`. */
export function columnArrays(rows: Row[], columnCount: number): IbmDbParam[] {
  const params: IbmDbParam[] = [];
  for (let j = 0; j < columnCount; j++) {
    const data = new Array<string | null>(rows.length);
    let longest = 0;
    for (let i = 0; i < rows.length; i++) {
      const text = asText(rows[i][j]);
      data[i] = text;
      if (text !== null && text.length > longest) longest = text.length;
    }
    const param: IbmDbParam = { ParamType: 'ARRAY', DataType: 'CHAR', Data: data };
    // ibm_db sizes the bound buffer by the longest element; a column of only '' (or NULL) would be
    // bound with a zero-length buffer, which the CLI may reject as an invalid length.
    if (longest === 0) param.Length = 1;
    params.push(param);
  }
  return params;
}

/** One row's parameters for the prepared, row-by-row path (binary columns as typed Buffers). */
export function rowParams(row: Row, columns: Column[]): Array<IbmDbParam | IbmDbValue> {
  return columns.map((column, j) => {
    const value = row[j];
    if (column.type.kind !== 'binary') return asText(value);
    const dataType = /^BLOB/.test(column.sqlType) ? 'BLOB' : 'BINARY';
    const data = value === null ? null : Buffer.isBuffer(value) ? value : Buffer.from(String(value), 'latin1');
    return { DataType: dataType, Data: data };
  });
}

/** Bytes a row adds to the DB2 transaction log, roughly: its values plus a record header. */
export function estimateRowBytes(row: Row): number {
  let bytes = 100;
  for (const value of row) {
    if (value === null) bytes += 1;
    else if (typeof value === 'number') bytes += 8;
    else if (typeof value === 'string') bytes += Buffer.byteLength(value);
    else bytes += value.length;
  }
  return bytes;
}

/**
 * Splits a batch into consecutive slices that each stay under `maxBytes` and `maxRows`. Rows arrive in
 * key order, so committing slice after slice always leaves a key prefix committed: the watermark never
 * skips a row.
 */
export function slicesWithin(rows: Row[], maxBytes: number, maxRows: number): Row[][] {
  const slices: Row[][] = [];
  let start = 0;
  let bytes = 0;
  for (let i = 0; i < rows.length; i++) {
    const rowBytes = estimateRowBytes(rows[i]);
    if (i > start && (bytes + rowBytes > maxBytes || i - start >= maxRows)) {
      slices.push(rows.slice(start, i));
      start = i;
      bytes = 0;
    }
    bytes += rowBytes;
  }
  if (start < rows.length) slices.push(start === 0 ? rows : rows.slice(start));
  return slices;
}
