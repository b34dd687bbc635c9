/** PostgreSQL quoting, the SQL for the canonical row text of lib/canonical.ts, and verify's other queries. */
import { digestedPairs, FIELD_SEPARATOR, isLargeField, NULL_TEXT } from '../../canonical';
import type { ColumnPair } from '../../columns';
import { KEY_STATS_SAMPLE } from '../../key-range';

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

/** Whole-table key statistics (Warehouse.keyStats): totals, then the duplicated keys. */
export function keyStatsSql(tableSql: string, k: string): [string, string] {
  return [
    `SELECT count(*)::text, (count(*) - count(${k}))::text, ${keyTextSql(`min(${k})`)}, ` +
      `${keyTextSql(`max(${k})`)} FROM ${tableSql}`,
    `SELECT count(*)::text, (coalesce(sum(n), 0) - count(*))::text,
        array_to_string((array_agg(${keyTextSql('k')} ORDER BY k))[1:${KEY_STATS_SAMPLE}], ',')
      FROM (SELECT ${k} AS k, count(*) AS n FROM ${tableSql} WHERE ${k} IS NOT NULL
        GROUP BY ${k} HAVING count(*) > 1) AS d`,
  ];
}
