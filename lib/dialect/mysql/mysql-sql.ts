/** MySQL quoting, the SQL for the canonical row text of lib/canonical.ts, and verify's other queries. */
import { digestedPairs, FIELD_SEPARATOR, isLargeField, NULL_TEXT } from '../../canonical';
import type { ColumnPair } from '../../columns';
import { KEY_STATS_SAMPLE, type KeyRange } from '../../key-range';

export function ident(name: string): string {
  return '`' + name.replace(/`/g, '``') + '`';
}

/**
 * `"Name"` or `` `Name` `` → Name (exact), a doubled quote inside standing for one (`"a""b"` → a"b,
 * as MySQL reads it under ANSI_QUOTES); anything else is returned as written.
 */
export function unquote(name: string): string {
  if (name.length >= 2 && name.startsWith('"') && name.endsWith('"')) return name.slice(1, -1).replace(/""/g, '"');
  if (name.length >= 2 && name.startsWith('`') && name.endsWith('`')) return name.slice(1, -1).replace(/``/g, '`');
  return name;
}

export function isQuoted(name: string): boolean {
  return unquote(name) !== name;
}

/** `side`: which table the SQL reads (column names differ in case); the format is the source type's. */
export function canonicalRowSql(pairs: ColumnPair[], side: 'source' | 'warehouse'): string {
  const fields = digestedPairs(pairs).map((pair) => {
    const { source } = pair;
    const c = ident(pair[side].name);
    let text: string;
    switch (source.type.kind) {
      case 'integer':
        // A DECIMAL warehouse column would show its scale ('5.00').
        text =
          side === 'warehouse' && pair.warehouse.type.kind !== 'integer'
            ? `CAST(CAST(${c} AS DECIMAL(65,0)) AS CHAR)`
            : `CAST(${c} AS CHAR)`;
        break;
      case 'decimal':
        // Exactly the source's scale, whatever the warehouse column's.
        text = `CAST(CAST(${c} AS DECIMAL(65, ${source.type.scale ?? 0})) AS CHAR)`;
        break;
      case 'float':
        text = floatTextSql(source.type.bits === 32 ? `CAST(CAST(${c} AS FLOAT) AS DOUBLE)` : `CAST(${c} AS DOUBLE)`);
        break;
      case 'text':
        // CONVERT, not CAST: CAST AS CHAR gives NULL above max_allowed_packet; both give the UTF-8 bytes.
        text = isLargeField(source.type) ? `MD5(CONVERT(${c} USING utf8mb4))` : `CONVERT(${c} USING utf8mb4)`;
        break;
      case 'binary':
        // HEX of a BIT column is its number's hex ('5'); CAST AS BINARY gives its bytes ('05'), as sent.
        text = isLargeField(source.type) ? `MD5(${c})` : `LOWER(HEX(CAST(${c} AS BINARY)))`;
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
    return `COALESCE(${text}, '${NULL_TEXT.replace(/\\/g, '\\\\')}')`;
  });
  return fields.length ? `CONCAT_WS(CHAR(${FIELD_SEPARATOR.charCodeAt(0)}), ${fields.join(', ')})` : `''`;
}

/**
 * The canonical float text of a DOUBLE expression. MariaDB renders a double with its shortest
 * round-trip digits, but as `1e20`, `0.00000015` or `999999986991104` depending on length; the
 * digits and the decimal point's place are taken out of whichever it chose.
 */
export function floatTextSql(v: string): string {
  const s = `CAST(ABS(${v}) AS CHAR)`;
  const mantissa = `SUBSTRING_INDEX(${s}, 'e', 1)`;
  const exponent = `IF(LOCATE('e', ${s}) > 0, CAST(SUBSTRING(${s}, LOCATE('e', ${s}) + 1) AS SIGNED), 0)`;
  const digits = `REPLACE(${mantissa}, '.', '')`;
  const leadingZeros = `(LENGTH(${digits}) - LENGTH(TRIM(LEADING '0' FROM ${digits})))`;
  const point = `(LENGTH(SUBSTRING_INDEX(${mantissa}, '.', 1)) + ${exponent} - ${leadingZeros})`;
  return (
    `CASE WHEN ${v} = 0 THEN '0' ELSE CONCAT(IF(${v} < 0, '-', ''), TRIM(TRAILING '0' FROM ` +
    `TRIM(LEADING '0' FROM ${digits})), 'e', ${point}) END`
  );
}

export const rowChecksumSql = (pairs: ColumnPair[], side: 'source' | 'warehouse') =>
  `CAST(CONV(LEFT(MD5(${canonicalRowSql(pairs, side)}), 15), 16, 10) AS UNSIGNED)`;

/**
 * verify's buckets over one MySQL table: bucket index, row count, checksum (see Warehouse.rangeDigests).
 * The bucket arithmetic is DECIMAL: key − (low + 1) overflows BIGINT across the whole signed range.
 */
export function rangeDigestsSql(
  tableSql: string,
  keyName: string,
  pairs: ColumnPair[],
  side: 'source' | 'warehouse',
  range: KeyRange,
  width: bigint,
): string {
  const k = ident(keyName);
  return `SELECT CAST((CAST(${k} AS DECIMAL(65,0)) - ${range.low! + 1n}) DIV ${width} AS CHAR), COUNT(*),
      CAST(COALESCE(SUM(${rowChecksumSql(pairs, side)}), 0) AS CHAR)
    FROM ${tableSql} WHERE ${range.sql(k)} GROUP BY 1 ORDER BY 1`;
}

export function rowDigestsSql(
  tableSql: string,
  keyName: string,
  pairs: ColumnPair[],
  side: 'source' | 'warehouse',
  range: KeyRange,
): string {
  const k = ident(keyName);
  return (
    `SELECT CAST(CAST(${k} AS DECIMAL(65,0)) AS CHAR), ` +
    `MD5(${canonicalRowSql(pairs, side)}) FROM ${tableSql} WHERE ${range.sql(k)}`
  );
}

/** Whole-table key statistics (Warehouse.keyStats): totals, then the duplicated keys. */
export function keyStatsSql(tableSql: string, keyName: string): [string, string] {
  const k = ident(keyName);
  const asText = (e: string) => `CAST(CAST(${e} AS DECIMAL(65,0)) AS CHAR)`;
  return [
    `SELECT COUNT(*), COUNT(*) - COUNT(${k}), ${asText(`MIN(${k})`)}, ${asText(`MAX(${k})`)} FROM ${tableSql}`,
    `SELECT COUNT(*), CAST(COALESCE(SUM(n), 0) - COUNT(*) AS CHAR),
        SUBSTRING_INDEX(GROUP_CONCAT(${asText('k')} ORDER BY k SEPARATOR ','), ',', ${KEY_STATS_SAMPLE})
      FROM (SELECT ${k} AS k, COUNT(*) AS n FROM ${tableSql} WHERE ${k} IS NOT NULL
        GROUP BY ${k} HAVING COUNT(*) > 1) AS d`,
  ];
}

/** The largest key as text, NULL when the table is empty (KeyReads.maxKey). */
export const maxKeySql = (tableSql: string, keyName: string) =>
  `SELECT CAST(MAX(${ident(keyName)}) AS CHAR) FROM ${tableSql}`;

/** Rows with key in the range (KeyReads.countKeys). */
export const countKeysSql = (tableSql: string, keyName: string, range: KeyRange) =>
  `SELECT COUNT(*) FROM ${tableSql} WHERE ${range.sql(ident(keyName))}`;

/** Keys in the range as text, ascending, the first `limit` when given (KeyReads.listKeys). */
export function listKeysSql(tableSql: string, keyName: string, range: KeyRange, limit?: number): string {
  const k = ident(keyName);
  const first = limit ? ` LIMIT ${limit}` : '';
  return `SELECT CAST(${k} AS CHAR) FROM ${tableSql} WHERE ${range.sql(k)} ORDER BY ${k}${first}`;
}
