/** DB2's catalog (SYSCAT.COLUMNS) → the logical column types of lib/columns.ts. */
import type { Column, ColumnType } from '../../columns';

/** One SYSCAT.COLUMNS row as ibm_db returns it (SMALLINT/INTEGER as numbers, CLOB as a string). */
export interface SyscatColumnRow {
  COLNAME: string;
  TYPENAME: string;
  LENGTH: number;
  SCALE: number;
  NULLS: string;
  DEFAULT: string | null;
  /** OCTETS or CODEUNITS32 (CODEUNITS16 for graphic types) in a Unicode database; null otherwise. */
  TYPESTRINGUNITS: string | null;
  STRINGUNITSLENGTH: number | null;
  /** 0 for FOR BIT DATA and non-string columns. */
  CODEPAGE: number;
  IDENTITY: string;
  /** ' ' for ordinary columns, 'A' / 'D' for GENERATED ALWAYS / BY DEFAULT. */
  GENERATED: string;
}

/** ? = schema, ? = table, both already folded. */
export const COLUMNS_SQL = `SELECT COLNAME, TYPENAME, LENGTH, SCALE, NULLS, "DEFAULT",
    TYPESTRINGUNITS, STRINGUNITSLENGTH, CODEPAGE, IDENTITY, GENERATED
  FROM SYSCAT.COLUMNS WHERE TABSCHEMA = ? AND TABNAME = ? ORDER BY COLNO`;

/** DB2 DECIMAL holds at most 31 digits. */
export const DB2_MAX_DECIMAL_PRECISION = 31;

export function toColumn(row: SyscatColumnRow): Column {
  const { type, sqlType } = describeType(row);
  return {
    name: row.COLNAME,
    sqlType,
    type,
    nullable: row.NULLS === 'Y',
    hasDefault: row.DEFAULT !== null || row.IDENTITY === 'Y' || (row.GENERATED ?? ' ').trim() !== '',
  };
}

function describeType(row: SyscatColumnRow): { type: ColumnType; sqlType: string } {
  const name = row.TYPENAME.trim().toUpperCase();
  const length = Number(row.LENGTH);
  const scale = Number(row.SCALE);
  const units = (row.TYPESTRINGUNITS ?? '').trim().toUpperCase();
  const unitsLength = row.STRINGUNITSLENGTH === null ? null : Number(row.STRINGUNITSLENGTH);
  const forBitData = Number(row.CODEPAGE) === 0;
  switch (name) {
    case 'SMALLINT':
      return { sqlType: name, type: { kind: 'integer', bits: 16, unsigned: false } };
    case 'INTEGER':
      return { sqlType: name, type: { kind: 'integer', bits: 32, unsigned: false } };
    case 'BIGINT':
      return { sqlType: name, type: { kind: 'integer', bits: 64, unsigned: false } };
    case 'DECIMAL':
    case 'NUMERIC':
      return {
        sqlType: `DECIMAL(${length},${scale})`,
        type: { kind: 'decimal', precision: length, scale, maxPrecision: DB2_MAX_DECIMAL_PRECISION },
      };
    case 'DECFLOAT': {
      // LENGTH is storage bytes: 8 for DECFLOAT(16), 16 for DECFLOAT(34). The scale floats, so any
      // decimal with at most that many significant digits is held exactly.
      const digits = length === 8 ? 16 : 34;
      return { sqlType: `DECFLOAT(${digits})`, type: { kind: 'decimal', precision: digits, scale: null } };
    }
    case 'REAL':
      return { sqlType: name, type: { kind: 'float', bits: 32 } };
    case 'DOUBLE':
    case 'FLOAT':
      return { sqlType: 'DOUBLE', type: { kind: 'float', bits: 64 } };
    case 'CHARACTER':
    case 'CHAR':
    case 'VARCHAR':
    case 'LONG VARCHAR':
    case 'CLOB': {
      const shown = name === 'CHARACTER' ? 'CHAR' : name;
      if (forBitData && name !== 'CLOB') {
        return { sqlType: `${shown}(${length}) FOR BIT DATA`, type: { kind: 'binary', maxBytes: length } };
      }
      if (units === 'CODEUNITS32' && unitsLength !== null) {
        return {
          sqlType: `${shown}(${unitsLength} CODEUNITS32)`,
          type: { kind: 'text', maxChars: unitsLength, maxBytes: null },
        };
      }
      // OCTETS (the default): the length counts bytes, and a utf8mb4 character can take four.
      return { sqlType: `${shown}(${length})`, type: { kind: 'text', maxChars: null, maxBytes: length } };
    }
    case 'GRAPHIC':
    case 'VARGRAPHIC':
    case 'DBCLOB': {
      // CODEUNITS16: UTF-16 code units, two of them for a character outside the BMP (emoji).
      if (units === 'CODEUNITS32' && unitsLength !== null) {
        return {
          sqlType: `${name}(${unitsLength} CODEUNITS32)`,
          type: { kind: 'text', maxChars: unitsLength, maxBytes: null },
        };
      }
      const codeUnits = unitsLength ?? length;
      return {
        sqlType: `${name}(${codeUnits})`,
        type: { kind: 'text', maxChars: Math.floor(codeUnits / 2), maxBytes: null },
      };
    }
    case 'BINARY':
    case 'VARBINARY':
    case 'BLOB':
      return { sqlType: `${name}(${length})`, type: { kind: 'binary', maxBytes: length } };
    case 'DATE':
      return { sqlType: name, type: { kind: 'date' } };
    case 'TIME':
      // DB2 TIME has no fractional seconds, and holds 00:00:00 to 24:00:00 only (MySQL's TIME is a duration).
      return { sqlType: name, type: { kind: 'time', fsp: 0, day: true } };
    case 'TIMESTAMP':
      return { sqlType: `TIMESTAMP(${scale})`, type: { kind: 'timestamp', fsp: Math.min(scale, 6) } };
    case 'BOOLEAN':
      return { sqlType: name, type: { kind: 'boolean' } };
    default:
      return { sqlType: name, type: { kind: 'other' } };
  }
}
