/** MySQL SQL for the canonical row text of lib/canonical.ts. */
import { digestedPairs, FIELD_SEPARATOR } from '../canonical';
import type { ColumnPair } from '../columns';
import { ident } from './mysql-connection';

/** `side`: which table the SQL reads (column names differ in case); the format is the source type's. */
export function canonicalRowSql(pairs: ColumnPair[], side: 'source' | 'warehouse'): string {
  const fields = digestedPairs(pairs).map((pair) => {
    const { source } = pair;
    const c = ident(pair[side].name);
    let text: string;
    switch (source.type.kind) {
      case 'decimal':
        // Exactly the source's scale, whatever the warehouse column's.
        text = `CAST(CAST(${c} AS DECIMAL(65, ${source.type.scale ?? 0})) AS CHAR)`;
        break;
      case 'binary':
        text = `LOWER(HEX(${c}))`;
        break;
      case 'date':
        text = `DATE_FORMAT(${c}, '%Y-%m-%d')`;
        break;
      case 'time':
        text = `TIME_FORMAT(${c}, '%H:%i:%s.%f')`;
        break;
      case 'timestamp':
        text = `DATE_FORMAT(${c}, '%Y-%m-%d %H:%i:%s.%f')`;
        break;
      default:
        text = `CAST(${c} AS CHAR)`;
    }
    return `COALESCE(${text}, '\\\\N')`;
  });
  return fields.length ? `CONCAT_WS(CHAR(${FIELD_SEPARATOR.charCodeAt(0)}), ${fields.join(', ')})` : `''`;
}

export const rowChecksumSql = (pairs: ColumnPair[], side: 'source' | 'warehouse') =>
  `CAST(CONV(LEFT(MD5(${canonicalRowSql(pairs, side)}), 15), 16, 10) AS UNSIGNED)`;
