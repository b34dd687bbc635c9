/** MySQL/MariaDB information_schema → the logical column types of lib/columns.ts. */
import type { Charset, Column, ColumnType } from '../../columns';

export interface InformationSchemaColumn {
  COLUMN_NAME: string;
  DATA_TYPE: string;
  COLUMN_TYPE: string;
  CHARACTER_MAXIMUM_LENGTH: number | string | null;
  CHARACTER_OCTET_LENGTH: number | string | null;
  NUMERIC_PRECISION: number | string | null;
  NUMERIC_SCALE: number | string | null;
  DATETIME_PRECISION: number | string | null;
  IS_NULLABLE: string;
  COLUMN_DEFAULT: string | null;
  CHARACTER_SET_NAME?: string | null;
}

export const COLUMNS_SQL =
  `SELECT COLUMN_NAME, DATA_TYPE, COLUMN_TYPE, CHARACTER_MAXIMUM_LENGTH,
  CHARACTER_OCTET_LENGTH, NUMERIC_PRECISION, NUMERIC_SCALE, DATETIME_PRECISION, IS_NULLABLE, ` +
  `COLUMN_DEFAULT, CHARACTER_SET_NAME
  FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION`;

const INTEGER_BITS: Record<string, 8 | 16 | 24 | 32 | 64> = {
  tinyint: 8,
  smallint: 16,
  mediumint: 24,
  int: 32,
  integer: 32,
  bigint: 64,
};

export function toColumn(row: InformationSchemaColumn): Column {
  return {
    name: row.COLUMN_NAME,
    sqlType: row.COLUMN_TYPE,
    type: toColumnType(row),
    nullable: row.IS_NULLABLE === 'YES',
    hasDefault: row.COLUMN_DEFAULT !== null,
  };
}

function toColumnType(row: InformationSchemaColumn): ColumnType {
  const type = row.DATA_TYPE.toLowerCase();
  const unsigned = /unsigned/i.test(row.COLUMN_TYPE);
  const n = (v: number | string | null) => (v === null ? null : Number(v));
  if (type in INTEGER_BITS) return { kind: 'integer', bits: INTEGER_BITS[type], unsigned };
  if (type === 'year') return { kind: 'integer', bits: 16, unsigned: false };
  switch (type) {
    case 'decimal':
    case 'numeric':
      return { kind: 'decimal', precision: n(row.NUMERIC_PRECISION), scale: n(row.NUMERIC_SCALE) };
    case 'float':
      return { kind: 'float', bits: 32 };
    case 'double':
    case 'real':
      return { kind: 'float', bits: 64 };
    case 'char':
    case 'varchar':
    case 'tinytext':
    case 'text':
    case 'mediumtext':
    case 'longtext':
    case 'enum':
    case 'set':
      return {
        kind: 'text',
        maxChars: n(row.CHARACTER_MAXIMUM_LENGTH),
        maxBytes: n(row.CHARACTER_OCTET_LENGTH),
        charset: charsetOf(row.CHARACTER_SET_NAME),
      };
    case 'binary':
    case 'varbinary':
    case 'tinyblob':
    case 'blob':
    case 'mediumblob':
    case 'longblob':
      return { kind: 'binary', maxBytes: n(row.CHARACTER_OCTET_LENGTH) };
    case 'bit':
      // MySQL sends a BIT(n) value as its ceil(n/8) bytes, big-endian: b'101' in BIT(8) is 0x05.
      return { kind: 'binary', maxBytes: Math.ceil((n(row.NUMERIC_PRECISION) ?? 1) / 8) };
    case 'date':
      return { kind: 'date' };
    case 'time':
      return { kind: 'time', fsp: n(row.DATETIME_PRECISION) ?? 0 };
    case 'datetime':
    case 'timestamp':
      return { kind: 'timestamp', fsp: n(row.DATETIME_PRECISION) ?? 0 };
    case 'json':
      return { kind: 'json' };
    default:
      return { kind: 'other' };
  }
}

/** MySQL's character sets by the characters they can hold (MySQL's latin1 is Windows-1252). */
function charsetOf(name: string | null | undefined): Charset | undefined {
  if (!name) return undefined;
  switch (name.toLowerCase()) {
    case 'ascii':
      return 'ascii';
    case 'latin1':
      return 'cp1252';
    case 'utf8':
    case 'utf8mb3':
    case 'utf8mb4':
    case 'ucs2':
    case 'utf16':
    case 'utf16le':
    case 'utf32':
      return 'unicode';
    case 'binary':
      return 'bytes';
    default:
      return 'other';
  }
}
