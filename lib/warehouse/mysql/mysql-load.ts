/**
 * Rows → multi-row INSERTs: mysql2 expands `VALUES ?` with an array of rows into one statement, so
 * a batch is cut into statements of a bounded size.
 */
import type { LoadTarget } from '../warehouse';
import { sliceRows, type Row } from '../../rows';
import { ident } from '../../dialect/mysql/mysql-sql';

/** Bytes of row data per INSERT statement: well inside MariaDB's default 16 MB max_allowed_packet. */
export const STATEMENT_BYTES = 4 * 1024 * 1024;

/** The INSERT whose `?` mysql2 expands to the rows of one slice. */
export const insertSql = (target: LoadTarget) =>
  `INSERT INTO ${target.table.sql} (${target.columns.map((c) => ident(c.name)).join(', ')}) VALUES ?`;

/** Consecutive slices of `rows` whose estimated statement size stays under `limit` bytes. */
export function byBytes(rows: Row[], limit: number): Row[][] {
  let size = 0;
  let rowSize = 0;
  return sliceRows(rows, {
    fits(row) {
      rowSize = 8;
      for (const v of row)
        rowSize +=
          v === null
            ? 4
            : typeof v === 'number'
              ? 12
              : typeof v === 'string'
                ? Buffer.byteLength(v) * 2 + 3
                : v.length * 2 + 3;
      return size + rowSize <= limit;
    },
    add(fresh) {
      size = fresh ? rowSize : size + rowSize;
    },
  });
}
