/** PostgreSQL's catalog → the logical column types of lib/columns.ts. */
import type { Charset, Column, ColumnType } from '../../columns';

export interface PgAttributeRow {
  name: string;
  sql_type: string;
  type_name: string;
  typmod: number;
  not_null: boolean;
  has_default: boolean;
  /** The database's server_encoding (UTF8, LATIN1, SQL_ASCII…): what its text columns can hold. */
  encoding?: string;
}

/** A row of TABLE_COLUMNS_SQL: the table, and one of its columns (null for a table without any). */
export interface TableColumnRow extends PgAttributeRow {
  oid: number;
  schema: string;
  table: string;
  /** The column leads a valid plain index (no predicate, no expression): ranges of it are index scans. */
  leads_index: boolean | null;
}

/**
 * $1 = the table's name as the user wrote it (resolved like SQL would: search_path, quoting).
 * Identity and generated columns count as defaulted.
 */
export const TABLE_COLUMNS_SQL = `SELECT c.oid, n.nspname AS schema, c.relname AS table,
    a.attname AS name, format_type(a.atttypid, a.atttypmod) AS sql_type,
    t.typname AS type_name, a.atttypmod AS typmod, a.attnotnull AS not_null,
    (a.atthasdef OR a.attidentity <> '' OR a.attgenerated <> '') AS has_default,
    EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indkey[0] = a.attnum
      AND i.indisvalid AND i.indpred IS NULL AND i.indexprs IS NULL) AS leads_index,
    current_setting('server_encoding') AS encoding
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
  LEFT JOIN pg_type t ON t.oid = a.atttypid
  WHERE c.oid = to_regclass($1) ORDER BY a.attnum`;

export function toColumn(row: PgAttributeRow): Column {
  return {
    name: row.name,
    sqlType: row.sql_type,
    type: toColumnType(row.type_name, row.typmod, charsetOf(row.encoding)),
    nullable: !row.not_null,
    hasDefault: row.has_default,
  };
}

/**
 * Text columns cannot store U+0000 in any encoding, and hold only what the database's encoding
 * can; time holds 00:00:00 to 24:00:00 (MySQL's TIME goes from -838:59:59 to 838:59:59).
 */
function toColumnType(typeName: string, typmod: number, charset: Charset | undefined): ColumnType {
  switch (typeName) {
    case 'int2':
      return { kind: 'integer', bits: 16, unsigned: false };
    case 'int4':
      return { kind: 'integer', bits: 32, unsigned: false };
    case 'int8':
      return { kind: 'integer', bits: 64, unsigned: false };
    case 'numeric':
      return typmod < 0
        ? { kind: 'decimal', precision: null, scale: null }
        : { kind: 'decimal', precision: ((typmod - 4) >> 16) & 0xffff, scale: (typmod - 4) & 0xffff };
    case 'float4':
      return { kind: 'float', bits: 32 };
    case 'float8':
      return { kind: 'float', bits: 64 };
    case 'varchar':
    case 'bpchar':
      return { kind: 'text', maxChars: typmod < 0 ? null : typmod - 4, maxBytes: null, charset, nulFree: true };
    case 'text':
    case 'citext':
      return { kind: 'text', maxChars: null, maxBytes: null, charset, nulFree: true };
    case 'bytea':
      return { kind: 'binary', maxBytes: null };
    case 'date':
      return { kind: 'date' };
    case 'time':
      return { kind: 'time', fsp: typmod < 0 ? 6 : typmod, day: true };
    case 'timestamp':
    case 'timestamptz':
      return { kind: 'timestamp', fsp: typmod < 0 ? 6 : typmod };
    case 'bool':
      return { kind: 'boolean' };
    case 'json':
    case 'jsonb':
      return { kind: 'json' };
    default:
      return { kind: 'other' };
  }
}

/** PostgreSQL server encodings by the characters they can hold. */
function charsetOf(encoding: string | undefined): Charset | undefined {
  if (!encoding) return undefined;
  switch (encoding.toUpperCase()) {
    case 'UTF8':
      return 'unicode';
    case 'SQL_ASCII':
      return 'bytes';
    case 'LATIN1':
      return 'latin1';
    case 'WIN1252':
      return 'cp1252';
    default:
      return 'other';
  }
}
