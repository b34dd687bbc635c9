/** MySQL SQL for the canonical row text of lib/canonical.ts. */
import { digestedPairs, FIELD_SEPARATOR } from '../canonical';
import type { ColumnPair } from '../columns';
import type { RangeDigest } from '../warehouse/warehouse';
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

/** Keys in (low, high] of `keySql`, or up to high when low is null. */
export function keyRangeSql(keySql: string, low: bigint | null, high: bigint): string {
  return low === null ? `${keySql} <= ${high}` : `${keySql} > ${low} AND ${keySql} <= ${high}`;
}

/** verify's buckets over one MySQL table: bucket index, row count, checksum (see Warehouse.rangeDigests). */
export function rangeDigestsSql(tableSql: string, keyName: string, pairs: ColumnPair[], side: 'source' | 'warehouse', low: bigint, high: bigint, width: bigint): string {
  const k = ident(keyName);
  return `SELECT CAST(FLOOR((${k} - ${low} - 1) / ${width}) AS CHAR), COUNT(*), CAST(COALESCE(SUM(${rowChecksumSql(pairs, side)}), 0) AS CHAR)
    FROM ${tableSql} WHERE ${keyRangeSql(k, low, high)} GROUP BY 1 ORDER BY 1`;
}

export function rowDigestsSql(tableSql: string, keyName: string, pairs: ColumnPair[], side: 'source' | 'warehouse', low: bigint, high: bigint): string {
  const k = ident(keyName);
  return `SELECT ${k}, MD5(${canonicalRowSql(pairs, side)}) FROM ${tableSql} WHERE ${keyRangeSql(k, low, high)}`;
}

export function toRangeDigests(rows: unknown[][], low: bigint, width: bigint): RangeDigest[] {
  return rows.map(([bucket, count, checksum]) => {
    const b = BigInt(bucket as string);
    return { low: low + b * width, high: low + (b + 1n) * width, count: Number(count), checksum: String(checksum) };
  });
}

export function toRowDigests(rows: unknown[][]): Map<bigint, string> {
  return new Map(rows.map(([k, digest]) => [BigInt(k as string | number), String(digest)]));
}
