/** PostgreSQL SQL for the canonical row text of lib/canonical.ts. */
import { digestedPairs, FIELD_SEPARATOR, NULL_TEXT } from '../../canonical';
import type { ColumnPair } from '../../columns';
import { ident } from './postgres-warehouse';

export function canonicalRowSql(pairs: ColumnPair[]): string {
  const fields = digestedPairs(pairs).map(({ source, warehouse }) => {
    const c = ident(warehouse.name);
    const t = source.type;
    let text: string;
    switch (t.kind) {
      case 'decimal':
        text = `round(${c}::numeric, ${t.scale ?? 0})::text`;
        break;
      case 'binary':
        text = `encode(${c}, 'hex')`;
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
