/** MySQL SQL for the canonical row text of lib/canonical.ts. */
import { digestedPairs, FIELD_SEPARATOR } from '../../canonical';
import type { ColumnPair } from '../../columns';
import { ident } from './mysql-source';

export function canonicalRowSql(pairs: ColumnPair[]): string {
  const fields = digestedPairs(pairs).map(({ source }) => {
    const c = ident(source.name);
    let text: string;
    switch (source.type.kind) {
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

export const rowChecksumSql = (pairs: ColumnPair[]) =>
  `CAST(CONV(LEFT(MD5(${canonicalRowSql(pairs)}), 15), 16, 10) AS UNSIGNED)`;
