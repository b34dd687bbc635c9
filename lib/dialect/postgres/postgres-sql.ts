/** PostgreSQL quoting, the SQL for the canonical row text of lib/canonical.ts, and verify's other queries. */
import { digestedPairs, FIELD_SEPARATOR, isLargeField, NULL_TEXT } from '../../canonical';
import type { ColumnPair } from '../../columns';
import { KEY_STATS_SAMPLE, type KeyRange } from '../../key-range';

export function ident(name: string): string {
  return '"' + name.replace(/"/g, '""') + '"';
}

/** As PostgreSQL resolves a name written in SQL: "Quoted" keeps its case, unquoted folds to lower. */
export const foldIdentifier = (written: string) =>
  /^".*"$/.test(written) ? written.slice(1, -1).replace(/""/g, '"') : written.toLowerCase();

export function canonicalRowSql(pairs: ColumnPair[]): string {
  const fields = digestedPairs(pairs).map(({ source, warehouse }) => {
    const c = ident(warehouse.name);
    const t = source.type;
    let text: string;
    switch (t.kind) {
      case 'integer':
        // round() drops a numeric column's scale ('5.00'); integers print as they are.
        text = warehouse.type.kind === 'integer' ? `${c}::text` : `round(${c}::numeric)::text`;
        break;
      case 'decimal':
        text = `round(${c}::numeric, ${t.scale ?? 0})::text`;
        break;
      case 'float':
        text = floatTextSql(t.bits === 32 ? `${c}::float4::float8` : `${c}::float8`);
        break;
      case 'text':
        text = isLargeField(t) ? `md5(${c}::text)` : `${c}::text`;
        break;
      case 'binary':
        text = isLargeField(t) ? `md5(${c})` : `encode(${c}, 'hex')`;
        break;
      case 'date':
        text = `to_char(${c}, 'YYYY-MM-DD')`;
        break;
      case 'time':
        text = `to_char(${c}, 'HH24:MI:SS.US')`;
        break;
      case 'timestamp':
        text = `to_char(${c}, 'YYYY-MM-DD HH24:MI:SS.US')`;
        break;
      default:
        text = `${c}::text`;
    }
    return `coalesce(${text}, '${NULL_TEXT.replace(/\\/g, '\\')}')`;
  });
  return fields.length ? `concat_ws(chr(${FIELD_SEPARATOR.charCodeAt(0)}), ${fields.join(', ')})` : `''`;
}

/**
 * The canonical float text of a float8 expression. With extra_float_digits ≥ 1 (set by the caller)
 * PostgreSQL renders the shortest round-trip digits, as `1e+20`, `1.5e-07` or `0.0001`; the digits
 * and the decimal point's place are taken out of whichever it chose.
 */
export function floatTextSql(v: string): string {
  const s = `abs(${v})::text`;
  const mantissa = `split_part(${s}, 'e', 1)`;
  const exponent = `(CASE WHEN position('e' in ${s}) > 0 THEN split_part(${s}, 'e', 2)::int ELSE 0 END)`;
  const digits = `replace(${mantissa}, '.', '')`;
  const leadingZeros = `(length(${digits}) - length(ltrim(${digits}, '0')))`;
  const point = `(length(split_part(${mantissa}, '.', 1)) + ${exponent} - ${leadingZeros})`;
  return (
    `(CASE WHEN ${v} = 0 THEN '0' ELSE (CASE WHEN ${v} < 0 THEN '-' ELSE '' END) || ` +
    `rtrim(ltrim(${digits}, '0'), '0') || 'e' || ${point}::text END)`
  );
}

/** Whether the canonical text has float fields, which need extra_float_digits ≥ 1. */
export const hasFloatFields = (pairs: ColumnPair[]) => digestedPairs(pairs).some((p) => p.source.type.kind === 'float');

/** Key text without a numeric column's scale. */
export const keyTextSql = (k: string) => `trunc(${k}::numeric)::text`;

/** The largest key as text, NULL when the table is empty (KeyReads.maxKey). */
export const maxKeySql = (tableSql: string, keyName: string) => `SELECT max(${ident(keyName)})::text FROM ${tableSql}`;

/** Rows with key in the range (KeyReads.countKeys). */
export const countKeysSql = (tableSql: string, keyName: string, range: KeyRange) =>
  `SELECT count(*) FROM ${tableSql} WHERE ${range.sql(ident(keyName))}`;

/** Keys in the range as text, ascending, the first `limit` when given (KeyReads.listKeys). */
export function listKeysSql(tableSql: string, keyName: string, range: KeyRange, limit?: number): string {
  const k = ident(keyName);
  return `SELECT ${k}::text FROM ${tableSql} WHERE ${range.sql(k)} ORDER BY ${k}${limit ? ` LIMIT ${limit}` : ''}`;
}

/**
 * At least the rows with key in the range, counted only in the table's last blocks: enough for twice
 * the range's rows at the table's density (50 rows a block when unknown). Rows appended elsewhere
 * (after deletes) are missed, which only makes this a smaller lower bound. A TID range scan
 * (PostgreSQL 14+) reads just them; the first block is worked out in the same statement (an
 * InitPlan, run once). Column n.
 */
export function countKeysInLastBlocksSql(tableSql: string, oid: number, keyName: string, range: KeyRange): string {
  const k = ident(keyName);
  return `SELECT count(*) AS n FROM ${tableSql}
        WHERE ctid >= (SELECT format('(%s,0)', greatest(0, pg_relation_size(c.oid) / current_setting('block_size')::int
            - ceil(2 * ${Number(range.size)}
              / coalesce(CASE WHEN c.relpages > 0 AND c.reltuples > 0 THEN c.reltuples / c.relpages END, 50))::bigint
            - 8))::tid
          FROM pg_class c WHERE c.oid = ${Number(oid)})
          AND ${range.sql(k)}`;
}

/**
 * verify's buckets over one table: bucket index, row count, checksum (see Warehouse.rangeDigests).
 * numeric bucket arithmetic: key − (low + 1) overflows bigint across the whole signed range, and a
 * numeric key (NUMERIC(20,0) for BIGINT UNSIGNED) must still give whole bucket numbers.
 */
export function rangeDigestsSql(
  tableSql: string,
  keyName: string,
  pairs: ColumnPair[],
  range: KeyRange,
  width: bigint,
): string {
  const k = ident(keyName);
  return `SELECT div(${k}::numeric - ${range.low! + 1n}, ${width})::text AS bucket, count(*)::text,
          coalesce(sum(('x' || left(md5(${canonicalRowSql(pairs)}), 15))::bit(60)::bigint), 0)::text
        FROM ${tableSql} WHERE ${range.sql(k)} GROUP BY 1 ORDER BY 1`;
}

/** Each row's key as text and the MD5 of its canonical text (see Warehouse.rowDigests). */
export function rowDigestsSql(tableSql: string, keyName: string, pairs: ColumnPair[], range: KeyRange): string {
  const k = ident(keyName);
  return `SELECT ${keyTextSql(k)}, md5(${canonicalRowSql(pairs)}) FROM ${tableSql} WHERE ${range.sql(k)}`;
}

/** Whole-table key statistics (Warehouse.keyStats): totals, then the duplicated keys. */
export function keyStatsSql(tableSql: string, keyName: string): [string, string] {
  const k = ident(keyName);
  return [
    `SELECT count(*)::text, (count(*) - count(${k}))::text, ${keyTextSql(`min(${k})`)}, ` +
      `${keyTextSql(`max(${k})`)} FROM ${tableSql}`,
    `SELECT count(*)::text, (coalesce(sum(n), 0) - count(*))::text,
        array_to_string((array_agg(${keyTextSql('k')} ORDER BY k))[1:${KEY_STATS_SAMPLE}], ',')
      FROM (SELECT ${k} AS k, count(*) AS n FROM ${tableSql} WHERE ${k} IS NOT NULL
        GROUP BY ${k} HAVING count(*) > 1) AS d`,
  ];
}
