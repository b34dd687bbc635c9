/**
 * DB2's quoting, and verify's canonical row text (lib/canonical.ts) in DB2 SQL with its digests.
 *
 * The row digest is MD5 of the text: DB2 11.5 computes it in SQL with HASH(text, 0), on the text's
 * UTF-8 bytes in a Unicode database (Db2 on Cloud / Db2 Warehouse always are). DB2 has no hex→integer
 * function, so the bucket checksum (sum of the digests' first 15 hex digits) is spelled out digit by
 * digit with LOCATE, in BIGINT per row (15 hex digits < 2^60) and DECIMAL(31,0) for the sum.
 *
 * DB2 renders values differently from MySQL, so each field is converted explicitly:
 *   decimal    VARCHAR(decimal) drops the leading zero ('.50', '-.50'; databases created since 9.7,
 *              dec_to_char_fmt = NEW); a CASE puts it back. Cast to the source's scale first.
 *   timestamp  VARCHAR_FORMAT(…, 'YYYY-MM-DD HH24:MI:SS.FF6') — CHAR(timestamp) is 'YYYY-MM-DD-HH.MM.SS'.
 *   time       CHAR(…, JIS) is 'HH:MM:SS'; DB2 TIME has no fractions, so '.000000' is appended.
 *   CHAR(n), GRAPHIC(n)  blank-padded by DB2, so trailing blanks are trimmed (as MySQL does for CHAR).
 *   large text/binary  (canonical.ts isLargeField) MD5 of the field's text, in SQL with HASH as for the row.
 *
 * Some columns cannot be rendered exactly in SQL: BLOB and long binary (HEX takes at most 16336
 * bytes), CLOB/DBCLOB, DECFLOAT holding more than 31 digits (DECIMAL's limit), REAL/DOUBLE (DB2
 * has no shortest round-trip rendering of a float), and rows whose text could exceed VARCHAR's
 * 32672 bytes. For those, and on DB2 versions without HASH (before 11.5, SQLSTATE 42884), the
 * warehouse fetches the fields and computes the same text and MD5 in Node: exact, only slower.
 * `sqlDigestible` decides.
 */
import { createHash } from 'crypto';
import { digestedPairs, FIELD_SEPARATOR, floatText, isLargeField, NULL_TEXT } from '../../canonical';
import type { Column, ColumnPair } from '../../columns';
import { KEY_STATS_SAMPLE, keyStatsOf, rangeDigestsOf, rowDigestsOf } from '../../key-range';
import type { KeyRange, KeyStats, RangeDigest } from '../../key-range';
import type { IbmDbRow } from './db2-connection';
import { DB2_MAX_DECIMAL_PRECISION } from './db2-introspector';

/*
 * DB2's identifier rules: an unquoted name folds to upper case (`sales_data` is SALES_DATA), a
 * "quoted" one keeps its case, and `""` inside quotes is one quote.
 */

/** `sales_data` → SALES_DATA; `"Sales"` → Sales; `"a""b"` → a"b. */
export function foldIdentifier(written: string): string {
  const text = written.trim();
  if (text.length >= 2 && text.startsWith('"') && text.endsWith('"')) return text.slice(1, -1).replace(/""/g, '"');
  return text.toUpperCase();
}

/** A delimited identifier: exact case, safe for any name. */
export function ident(name: string): string {
  return '"' + name.replace(/"/g, '""') + '"';
}

const VARCHAR_MAX_BYTES = 32672;
const HEX_MAX_INPUT_BYTES = 16336;

/** Why the canonical text of these pairs cannot be digested in DB2 SQL, or null if it can. */
export function sqlDigestible(pairs: ColumnPair[]): string | null {
  let bytes = 0;
  for (const pair of digestedPairs(pairs)) {
    const w = pair.warehouse;
    if (pair.source.type.kind === 'float') return `${w.name} is a float column`;
    if (/^(BLOB|CLOB|DBCLOB|LONG)/.test(w.sqlType)) return `${w.name} is ${w.sqlType}`;
    if (w.type.kind === 'binary' && (w.type.maxBytes ?? Infinity) > HEX_MAX_INPUT_BYTES)
      return `${w.name} is ${w.sqlType}`;
    if (
      pair.source.type.kind === 'decimal' &&
      w.type.kind === 'decimal' &&
      w.type.scale === null &&
      (pair.source.type.precision ?? 65) > DB2_MAX_DECIMAL_PRECISION
    ) {
      return `${w.name} is ${w.sqlType} holding more than ${DB2_MAX_DECIMAL_PRECISION} digits`;
    }
    bytes += fieldBytes(pair) + 1;
  }
  return bytes > VARCHAR_MAX_BYTES ? `the row text can exceed ${VARCHAR_MAX_BYTES} bytes` : null;
}

function fieldBytes({ source, warehouse }: ColumnPair): number {
  const w = warehouse.type;
  if (isLargeField(source.type)) return 32;
  switch (source.type.kind) {
    case 'text':
      if (w.kind !== 'text') return VARCHAR_MAX_BYTES;
      return w.maxBytes ?? (w.maxChars === null ? VARCHAR_MAX_BYTES : w.maxChars * 4);
    case 'binary':
      return w.kind === 'binary' ? 2 * (w.maxBytes ?? VARCHAR_MAX_BYTES) : VARCHAR_MAX_BYTES;
    default:
      return 40;
  }
}

/** The canonical text of one row, in DB2 SQL, over the warehouse columns. */
export function canonicalTextSql(pairs: ColumnPair[]): string {
  const fields = digestedPairs(pairs).map((pair) => `COALESCE(${fieldSql(pair)}, '${NULL_TEXT}')`);
  return fields.length ? fields.join(` || CHR(${FIELD_SEPARATOR.charCodeAt(0)}) || `) : `''`;
}

/** One field in the canonical format of the *source* column's type, computed from the warehouse column. */
function fieldSql({ source, warehouse }: ColumnPair): string {
  const c = ident(warehouse.name);
  const w = warehouse.type;
  switch (source.type.kind) {
    case 'integer':
      return w.kind === 'decimal'
        ? decimalText(`CAST(${c} AS DECIMAL(${DB2_MAX_DECIMAL_PRECISION},0))`)
        : `VARCHAR(${c})`;
    case 'decimal': {
      const scale = source.type.scale ?? 0;
      return decimalText(`CAST(${c} AS DECIMAL(${castPrecision(source, warehouse)},${scale}))`);
    }
    case 'text':
      return isLargeField(source.type) ? `LOWER(${md5HexSql(textSql(c, warehouse))})` : textSql(c, warehouse);
    case 'binary':
      return isLargeField(source.type) ? `LOWER(${md5HexSql(c)})` : `LOWER(HEX(${c}))`;
    default:
      return temporalSql(source, c);
  }
}

/** Enough digits for every integer digit the warehouse column holds, at the source's scale. */
function castPrecision(source: Column, warehouse: Column): number {
  const scale = source.type.kind === 'decimal' ? (source.type.scale ?? 0) : 0;
  const w = warehouse.type;
  if (w.kind === 'decimal' && w.precision !== null && w.scale !== null) {
    return Math.min(DB2_MAX_DECIMAL_PRECISION, w.precision - w.scale + scale);
  }
  const sourcePrecision =
    source.type.kind === 'decimal' ? (source.type.precision ?? DB2_MAX_DECIMAL_PRECISION) : DB2_MAX_DECIMAL_PRECISION;
  return Math.min(DB2_MAX_DECIMAL_PRECISION, Math.max(sourcePrecision, scale));
}

/** VARCHAR(decimal) with the leading zero MySQL prints: '.5' → '0.5', '-.5' → '-0.5'. */
function decimalText(decimal: string): string {
  const v = `VARCHAR(${decimal})`;
  return `CASE WHEN ${v} LIKE '.%' THEN '0' || ${v} WHEN ${v} LIKE '-.%' THEN '-0' || SUBSTR(${v}, 2) ELSE ${v} END`;
}

function textSql(c: string, warehouse: Column): string {
  const type = warehouse.sqlType;
  if (/^CHAR\(/.test(type)) return `RTRIM(${c})`;
  // GRAPHIC(n) is blank-padded like CHAR(n).
  if (/^GRAPHIC\(/.test(type)) return `RTRIM(VARCHAR(${c}))`;
  if (/^VARGRAPHIC\(/.test(type)) return `VARCHAR(${c})`;
  return c;
}

function temporalSql(source: Column, c: string): string {
  switch (source.type.kind) {
    case 'date':
      return `VARCHAR_FORMAT(${c}, 'YYYY-MM-DD')`;
    case 'time':
      return `CHAR(${c}, JIS) || '.000000'`;
    case 'timestamp':
      return `VARCHAR_FORMAT(${c}, 'YYYY-MM-DD HH24:MI:SS.FF6')`;
    default:
      return `VARCHAR(${c})`;
  }
}

const HEX_DIGITS = 15;

/**
 * The digest's first 15 hex digits as a BIGINT, from `hex` (upper-case, as HEX() returns it). Every
 * term is BIGINT: 15 × 16^7 already overflows the INTEGER that LOCATE returns.
 */
export function checksumSql(hex: string): string {
  const terms: string[] = [];
  for (let i = 1; i <= HEX_DIGITS; i++) {
    const weight = 16n ** BigInt(HEX_DIGITS - i);
    terms.push(`(BIGINT(LOCATE(SUBSTR(${hex}, ${i}, 1), '0123456789ABCDEF')) - 1) * ${weight}`);
  }
  return terms.join(' + ');
}

/** MD5 in SQL, as upper-case hex. */
export const md5HexSql = (text: string) => `HEX(HASH(${text}, 0))`;

// ---- Client-side digests: the same text, built in Node from fetched fields -------------------------

/** The fields to fetch for the client-side text: exact text (or bytes) per column. */
export function clientFieldsSql(pairs: ColumnPair[]): string[] {
  return digestedPairs(pairs).map(({ source, warehouse }) => {
    const c = ident(warehouse.name);
    switch (source.type.kind) {
      case 'integer':
      case 'decimal':
        // VARCHAR of any numeric type is exact (DECFLOAT may use an exponent); Node normalises it.
        return `VARCHAR(${c})`;
      case 'text':
        return /^(DBCLOB)/.test(warehouse.sqlType) ? `CLOB(${c})` : textSql(c, warehouse);
      case 'binary':
        return c;
      case 'float':
        return `DOUBLE(${c})`;
      default:
        return temporalSql(source, c);
    }
  });
}

/**
 * The rows of a client-side digest: the key as text (column K) and the fields of clientFieldsSql
 * (F0, F1, …). `rows`: keys in a range, in key order, the first `limit`; or all the rows of one key.
 */
export function clientRowsSql(
  tableSql: string,
  keyName: string,
  pairs: ColumnPair[],
  rows: { range: KeyRange; limit: number } | { key: bigint },
): string {
  const k = ident(keyName);
  const fields = clientFieldsSql(pairs).map((f, i) => `${f} AS F${i}`);
  const select = `SELECT VARCHAR(${k}) AS K${fields.map((f) => `, ${f}`).join('')} FROM ${tableSql}`;
  return 'key' in rows
    ? `${select} WHERE ${k} = ${rows.key}`
    : `${select} WHERE ${rows.range.sql(k)} ORDER BY ${k} FETCH FIRST ${rows.limit} ROWS ONLY`;
}

/** A row of clientRowsSql as its key and the digest of its canonical text. */
export function clientRowDigest(pairs: ColumnPair[], row: IbmDbRow): { key: bigint; md5: string; checksum: bigint } {
  const fields = digestedPairs(pairs).map((_, i) => row[`F${i}`]);
  return { key: db2Key(row.K), ...digestText(canonicalTextFromFields(pairs, fields)) };
}

/** The canonical text from fetched fields (in `clientFieldsSql` order). */
export function canonicalTextFromFields(pairs: ColumnPair[], fields: unknown[]): string {
  return digestedPairs(pairs)
    .map(({ source }, i) => {
      const value = fields[i];
      if (value === null || value === undefined) return NULL_TEXT;
      switch (source.type.kind) {
        case 'integer':
          return normalizeDecimal(String(value), 0);
        case 'decimal':
          return normalizeDecimal(String(value), source.type.scale ?? 0);
        case 'float':
          return floatText(Number(value), source.type.bits);
        case 'binary': {
          const bytes = Buffer.isBuffer(value) ? value : Buffer.from(String(value), 'binary');
          return isLargeField(source.type) ? createHash('md5').update(bytes).digest('hex') : bytes.toString('hex');
        }
        case 'text':
          return isLargeField(source.type)
            ? createHash('md5').update(String(value), 'utf8').digest('hex')
            : String(value);
        default:
          return String(value);
      }
    })
    .join(FIELD_SEPARATOR);
}

/**
 * Exact decimal text at `scale` fractional digits, from any DB2 rendering: '.5', '-.5', '12',
 * '1.2E+3', '-4.50E-2'. Digits beyond `scale` are dropped (they are zeros for values that came
 * from a source of that scale).
 */
export function normalizeDecimal(text: string, scale: number): string {
  const m = /^\s*([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?\s*$/.exec(text);
  if (!m) return text;
  const [, sign, intDigits, fracDigits = '', exponentText] = m;
  let digits = (intDigits || '') + fracDigits;
  let point = (intDigits || '').length + Number(exponentText ?? 0);
  if (point < 0) {
    digits = '0'.repeat(-point) + digits;
    point = 0;
  }
  if (point > digits.length) digits += '0'.repeat(point - digits.length);
  const whole = digits.slice(0, point).replace(/^0+(?=\d)/, '') || '0';
  const fraction = digits.slice(point).padEnd(scale, '0').slice(0, scale);
  const isZero = /^0*$/.test(whole + fraction);
  return `${sign === '-' && !isZero ? '-' : ''}${whole}${scale > 0 ? '.' + fraction : ''}`;
}

/** A row's digest and its checksum contribution, as verify computes them in SQL. */
export function digestText(text: string): { md5: string; checksum: bigint } {
  const md5 = createHash('md5').update(text, 'utf8').digest('hex');
  return { md5, checksum: BigInt('0x' + md5.slice(0, HEX_DIGITS)) };
}

/*
 * The KeyReads (lib/key-range.ts) in DB2 SQL. Keys come back as VARCHAR text. No aggregate here
 * drops a NULL: DB2 would answer SQL_SUCCESS_WITH_INFO, 01003 ("null values were eliminated from the
 * argument of an aggregate function", IBM SQLSTATE messages), and ibm_db 4.0.1's query() rejects
 * whatever is not SQL_SUCCESS (UV_AfterQuery), rows and all; a NULL key is verify's to report.
 */

/** The largest key as text (column M), NULL when the table is empty. */
export function maxKeySql(tableSql: string, keyName: string): string {
  const k = ident(keyName);
  return `SELECT VARCHAR(MAX(${k})) AS M FROM ${tableSql} WHERE ${k} IS NOT NULL`;
}

/** Rows with key in the range (column N). */
export const countKeysSql = (tableSql: string, keyName: string, range: KeyRange) =>
  `SELECT COUNT(*) AS N FROM ${tableSql} WHERE ${range.sql(ident(keyName))}`;

/** Keys in the range as text (column K), ascending, the first `limit` when given. */
export function listKeysSql(tableSql: string, keyName: string, range: KeyRange, limit?: number): string {
  const k = ident(keyName);
  const fetchFirst = limit ? ` FETCH FIRST ${limit} ROWS ONLY` : '';
  return `SELECT VARCHAR(${k}) AS K FROM ${tableSql} WHERE ${range.sql(k)} ORDER BY ${k}${fetchFirst}`;
}

/**
 * verify's buckets computed in DB2 (when sqlDigestible): bucket index, row count and checksum
 * (columns BUCKET, N, CHECKSUM), in DECIMAL(31,0) so that key − (low + 1) cannot overflow.
 */
export function rangeDigestsSql(
  tableSql: string,
  keyName: string,
  pairs: ColumnPair[],
  range: KeyRange,
  width: bigint,
): string {
  const k = ident(keyName);
  const checksum = `VARCHAR(SUM(CAST(${checksumSql('H')} AS DECIMAL(31,0))))`;
  const bucket = `CAST((CAST(${k} AS DECIMAL(31,0)) - ${range.low! + 1n}) / ${width} AS DECIMAL(31,0))`;
  return `SELECT VARCHAR(B) AS BUCKET, COUNT(*) AS N, ${checksum} AS CHECKSUM
            FROM (SELECT ${bucket} AS B, ${md5HexSql(canonicalTextSql(pairs))} AS H
              FROM ${tableSql} WHERE ${range.sql(k)}) AS D
            GROUP BY B ORDER BY B`;
}

/** Each row's key as text and the MD5 of its canonical text, lower-case hex (columns K, D). */
export function rowDigestsSql(tableSql: string, keyName: string, pairs: ColumnPair[], range: KeyRange): string {
  const k = ident(keyName);
  const digest = md5HexSql(canonicalTextSql(pairs));
  return `SELECT VARCHAR(${k}) AS K, LOWER(${digest}) AS D FROM ${tableSql} WHERE ${range.sql(k)}`;
}

/** A key as DB2 renders it: VARCHAR of a DECIMAL key may carry a scale or a trailing point. */
export function db2Key(value: unknown): bigint {
  return BigInt(normalizeDecimal(String(value), 0));
}

/** The rows of rangeDigestsSql as verify's buckets. */
export const toRangeDigests = (rows: IbmDbRow[], range: KeyRange, width: bigint): RangeDigest[] =>
  rangeDigestsOf(
    rows.map((r) => [r.BUCKET, r.N, r.CHECKSUM]),
    range,
    width,
    db2Key,
  );

/** The rows of rowDigestsSql by key. */
export const toRowDigests = (rows: IbmDbRow[]): Map<bigint, string> =>
  rowDigestsOf(
    rows.map((r) => [r.K, r.D]),
    db2Key,
  );

/**
 * Whole-table key statistics (Warehouse.keyStats) as four statements: rows and NULL keys (N,
 * NULLS); smallest and largest key (LO, HI); duplicated keys and doubled rows (K, R); the sample of
 * duplicated keys (K), one row each.
 */
export function keyStatsSql(tableSql: string, keyName: string): [string, string, string, string] {
  const k = ident(keyName);
  const duplicated =
    `SELECT ${k} AS K, COUNT(*) AS N FROM ${tableSql} WHERE ${k} IS NOT NULL ` + `GROUP BY ${k} HAVING COUNT(*) > 1`;
  return [
    `SELECT COUNT(*) AS N, COALESCE(SUM(CASE WHEN ${k} IS NULL THEN 1 ELSE 0 END), 0) AS NULLS FROM ${tableSql}`,
    `SELECT VARCHAR(MIN(${k})) AS LO, VARCHAR(MAX(${k})) AS HI FROM ${tableSql} WHERE ${k} IS NOT NULL`,
    `SELECT COUNT(*) AS K, COALESCE(SUM(N), 0) - COUNT(*) AS R FROM (${duplicated}) AS D`,
    `SELECT VARCHAR(K) AS K FROM (${duplicated}) AS D ORDER BY K FETCH FIRST ${KEY_STATS_SAMPLE} ROWS ONLY`,
  ];
}

/** The answers to keyStatsSql's four statements, in its order, as KeyStats. */
export function toKeyStats([[counts], [range], [duplicates], sample]: IbmDbRow[][]): KeyStats {
  return keyStatsOf(
    [counts.N, counts.NULLS, range.LO, range.HI],
    [duplicates.K, duplicates.R, sample.map((r) => r.K)],
    db2Key,
  );
}
