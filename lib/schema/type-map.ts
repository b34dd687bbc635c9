/**
 * The one table that says what warehouse column each MySQL column becomes, per warehouse: used by
 * `warehouse-sync ddl`, `--create-table` and `--add-columns`, and printed in the README
 * (typeMapMarkdown). Every choice holds every value the MySQL column can hold, in the form the
 * values cross in (exact text, lib/warehouse/warehouse.ts Value); where no warehouse type can, the
 * rule refuses and says what the user can do instead.
 *
 * Generated columns (VIRTUAL / STORED) are copied as values: the warehouse column is a plain column
 * of the same type, since the warehouse has neither MySQL's expression language nor the columns the
 * expression may read (a source-only column is not loaded).
 */
import type { Charset, Column } from '../columns';

export type Dialect = 'postgres' | 'mysql' | 'db2';
export const DIALECTS: readonly Dialect[] = ['postgres', 'mysql', 'db2'];

/** A warehouse type, or why there is none and what the user can do. */
export type Mapped = { sql: string } | { refused: string };

/** What a rule reads of the source column. */
export interface SourceShape {
  /** First word of MySQL's COLUMN_TYPE, lower case: `int`, `varchar`, `enum`, `longblob`. */
  base: string;
  unsigned: boolean;
  precision: number;
  scale: number;
  /** Fractional seconds digits. */
  fsp: number;
  /** Characters (text) or bytes (binary) the column holds at most. */
  length: number;
  charset: Charset;
  sqlType: string;
}

type Rule = (c: SourceShape) => string | { refused: string };

interface TypeRow {
  /** The MySQL types of this row, as the README shows them. */
  mysql: string;
  matches(c: SourceShape): boolean;
  postgres: Rule;
  mysqlTarget: Rule;
  db2: Rule;
  /** Why, where the choice is not the obvious one. */
  why?: string;
}

/** DB2: VARCHAR holds at most 32,672 bytes; CODEUNITS32 counts 4 bytes per character. */
export const DB2_MAX_VARCHAR_BYTES = 32_672;
const DB2_MAX_VARCHAR_CODEUNITS32 = Math.floor(DB2_MAX_VARCHAR_BYTES / 4);
/** DB2: CLOB and BLOB hold at most 2 GB (2,147,483,647 bytes). */
const DB2_MAX_LOB_BYTES = 2_147_483_647;
const DB2_MAX_CLOB_CODEUNITS32 = Math.floor(DB2_MAX_LOB_BYTES / 4);
const DB2_MAX_DECIMAL = 31;
const DB2_DECFLOAT_DIGITS = 34;

const refuse = (refused: string) => ({ refused });
const isInteger = (bases: string[], unsigned: boolean) => (c: SourceShape) =>
  bases.includes(c.base) && c.unsigned === unsigned;
const isOneOf =
  (...bases: string[]) =>
  (c: SourceShape) =>
    bases.includes(c.base);
const fsp = (name: string, c: SourceShape) => (c.fsp > 0 ? `${name}(${c.fsp})` : name);
const mysqlCharset = (c: SourceShape) =>
  ({ unicode: 'utf8mb4', cp1252: 'latin1', latin1: 'latin1', ascii: 'ascii', bytes: 'binary', other: 'utf8mb4' })[
    c.charset
  ];

/** DB2 text in characters: VARCHAR while it fits 32,672 bytes at 4 a character, CLOB beyond. */
function db2Text(c: SourceShape): string | { refused: string } {
  if (c.length <= DB2_MAX_VARCHAR_CODEUNITS32) return `VARCHAR(${c.length} CODEUNITS32)`;
  if (c.length <= DB2_MAX_CLOB_CODEUNITS32) return `CLOB(${c.length} CODEUNITS32)`;
  return refuse(
    `${c.sqlType} can hold ${c.length} characters but a DB2 CLOB holds at most ${DB2_MAX_CLOB_CODEUNITS32} (2 GB); ` +
      `change the staging column to MEDIUMTEXT, or sync this table to a PostgreSQL or MySQL warehouse`,
  );
}

function db2Binary(c: SourceShape, fixed: boolean): string | { refused: string } {
  if (fixed) return `BINARY(${c.length})`;
  if (c.base === 'varbinary' && c.length <= DB2_MAX_VARCHAR_BYTES) return `VARBINARY(${c.length})`;
  if (c.length <= DB2_MAX_LOB_BYTES) return `BLOB(${c.length})`;
  return refuse(
    `${c.sqlType} can hold ${c.length} bytes but a DB2 BLOB holds at most ${DB2_MAX_LOB_BYTES} (2 GB); ` +
      `change the staging column to MEDIUMBLOB, or sync this table to a PostgreSQL or MySQL warehouse`,
  );
}

export const TYPE_MAP: readonly TypeRow[] = [
  {
    mysql: 'TINYINT',
    matches: isInteger(['tinyint'], false),
    postgres: () => 'smallint',
    mysqlTarget: () => 'TINYINT',
    db2: () => 'SMALLINT',
    why: 'PostgreSQL and DB2 have no 1-byte integer',
  },
  {
    mysql: 'TINYINT UNSIGNED',
    matches: isInteger(['tinyint'], true),
    postgres: () => 'smallint',
    mysqlTarget: () => 'TINYINT UNSIGNED',
    db2: () => 'SMALLINT',
  },
  {
    mysql: 'SMALLINT',
    matches: isInteger(['smallint'], false),
    postgres: () => 'smallint',
    mysqlTarget: () => 'SMALLINT',
    db2: () => 'SMALLINT',
  },
  {
    mysql: 'SMALLINT UNSIGNED',
    matches: isInteger(['smallint'], true),
    postgres: () => 'integer',
    mysqlTarget: () => 'SMALLINT UNSIGNED',
    db2: () => 'INTEGER',
    why: 'up to 65,535: the next signed integer',
  },
  {
    mysql: 'MEDIUMINT',
    matches: isInteger(['mediumint'], false),
    postgres: () => 'integer',
    mysqlTarget: () => 'MEDIUMINT',
    db2: () => 'INTEGER',
  },
  {
    mysql: 'MEDIUMINT UNSIGNED',
    matches: isInteger(['mediumint'], true),
    postgres: () => 'integer',
    mysqlTarget: () => 'MEDIUMINT UNSIGNED',
    db2: () => 'INTEGER',
  },
  {
    mysql: 'INT',
    matches: isInteger(['int', 'integer'], false),
    postgres: () => 'integer',
    mysqlTarget: () => 'INT',
    db2: () => 'INTEGER',
  },
  {
    mysql: 'INT UNSIGNED',
    matches: isInteger(['int', 'integer'], true),
    postgres: () => 'bigint',
    mysqlTarget: () => 'INT UNSIGNED',
    db2: () => 'BIGINT',
    why: 'up to 4,294,967,295: the next signed integer',
  },
  {
    mysql: 'BIGINT',
    matches: isInteger(['bigint'], false),
    postgres: () => 'bigint',
    mysqlTarget: () => 'BIGINT',
    db2: () => 'BIGINT',
  },
  {
    mysql: 'BIGINT UNSIGNED',
    matches: isInteger(['bigint'], true),
    postgres: () => 'numeric(20,0)',
    mysqlTarget: () => 'BIGINT UNSIGNED',
    db2: () => 'DECIMAL(20,0)',
    why: 'up to 18,446,744,073,709,551,615 (20 digits): no PostgreSQL or DB2 integer holds it',
  },
  {
    mysql: 'DECIMAL(p,s), NUMERIC(p,s)',
    matches: isOneOf('decimal', 'numeric'),
    postgres: (c) => `numeric(${c.precision},${c.scale})`,
    mysqlTarget: (c) => `DECIMAL(${c.precision},${c.scale})`,
    db2: (c) => {
      if (c.precision <= DB2_MAX_DECIMAL) return `DECIMAL(${c.precision},${c.scale})`;
      if (c.precision <= DB2_DECFLOAT_DIGITS) return `DECFLOAT(${DB2_DECFLOAT_DIGITS})`;
      return refuse(
        `${c.sqlType} can have ${c.precision} digits but DB2's DECIMAL holds at most ` +
          `${DB2_MAX_DECIMAL} and DECFLOAT(34) ${DB2_DECFLOAT_DIGITS}; ` +
          `narrow the staging column to ` +
          `DECIMAL(${DB2_DECFLOAT_DIGITS},${Math.min(c.scale, DB2_DECFLOAT_DIGITS)}) or less, or ` +
          `sync this table to a PostgreSQL or MySQL warehouse`,
      );
    },
    why:
      'DB2: DECIMAL up to 31 digits; DECFLOAT(34) holds any value of up to 34 significant ' +
      'digits exactly; beyond 34, refused',
  },
  { mysql: 'FLOAT', matches: isOneOf('float'), postgres: () => 'real', mysqlTarget: () => 'FLOAT', db2: () => 'REAL' },
  {
    mysql: 'DOUBLE, REAL',
    matches: isOneOf('double', 'real'),
    postgres: () => 'double precision',
    mysqlTarget: () => 'DOUBLE',
    db2: () => 'DOUBLE',
  },
  {
    mysql: 'BIT(n)',
    matches: isOneOf('bit'),
    postgres: () => 'bytea',
    mysqlTarget: (c) => `BIT(${c.precision})`,
    db2: (c) => `BINARY(${Math.ceil(c.precision / 8)})`,
    why: "the value's ceil(n/8) bytes, big-endian, as MySQL sends them: b'101' in BIT(8) is \\x05",
  },
  {
    mysql: 'YEAR',
    matches: isOneOf('year'),
    postgres: () => 'smallint',
    mysqlTarget: () => 'YEAR',
    db2: () => 'SMALLINT',
    why: '1901 to 2155, and 0',
  },
  { mysql: 'DATE', matches: isOneOf('date'), postgres: () => 'date', mysqlTarget: () => 'DATE', db2: () => 'DATE' },
  {
    mysql: 'DATETIME(p)',
    matches: isOneOf('datetime'),
    postgres: (c) => `timestamp(${c.fsp})`,
    mysqlTarget: (c) => fsp('DATETIME', c),
    db2: (c) => `TIMESTAMP(${c.fsp})`,
  },
  {
    mysql: 'TIMESTAMP(p)',
    matches: isOneOf('timestamp'),
    postgres: (c) => `timestamp(${c.fsp})`,
    mysqlTarget: (c) => fsp('DATETIME', c),
    db2: (c) => `TIMESTAMP(${c.fsp})`,
    why:
      'values cross as UTC text; MySQL warehouse: DATETIME, because a TIMESTAMP column ' +
      'shifts values by the session time zone and may update itself',
  },
  {
    mysql: 'TIME(p)',
    matches: isOneOf('time'),
    postgres: (c) => `time(${c.fsp})`,
    mysqlTarget: (c) => fsp('TIME', c),
    db2: (c) =>
      c.fsp === 0
        ? 'TIME'
        : refuse(
            `${c.sqlType} has ${c.fsp} fractional digits but DB2's TIME has none; make the staging ` +
              `column TIME(0), or sync this table to a PostgreSQL or MySQL warehouse`,
          ),
    why:
      'PostgreSQL and DB2 TIME hold 00:00:00 to 24:00:00 only: a MySQL TIME value outside ' +
      "that (a duration, negative or over 24 h) is refused with its row's key before it is " +
      'written; a MySQL warehouse holds them all',
  },
  {
    mysql: 'CHAR(n)',
    matches: isOneOf('char'),
    postgres: (c) => `varchar(${c.length})`,
    mysqlTarget: (c) => `CHAR(${c.length}) CHARACTER SET ${mysqlCharset(c)}`,
    db2: db2Text,
    why: 'MySQL strips CHAR trailing spaces on reading; a padded CHAR in PostgreSQL or DB2 would add them back',
  },
  {
    mysql: 'VARCHAR(n)',
    matches: isOneOf('varchar'),
    postgres: (c) => `varchar(${c.length})`,
    mysqlTarget: (c) => `VARCHAR(${c.length}) CHARACTER SET ${mysqlCharset(c)}`,
    db2: db2Text,
    why:
      `DB2: lengths in CODEUNITS32 (characters, as MySQL counts them), so VARCHAR(50) holds ` +
      `50 emoji; VARCHAR up to ${DB2_MAX_VARCHAR_CODEUNITS32} characters (32,672 bytes), CLOB beyond`,
  },
  {
    mysql: 'TINYTEXT, TEXT, MEDIUMTEXT, LONGTEXT',
    matches: isOneOf('tinytext', 'text', 'mediumtext', 'longtext'),
    postgres: () => 'text',
    mysqlTarget: (c) => `${c.base.toUpperCase()} CHARACTER SET ${mysqlCharset(c)}`,
    db2: db2Text,
    why: 'DB2: LONGTEXT (4 GB) is refused, a CLOB holds 2 GB',
  },
  {
    mysql: 'ENUM(…), SET(…)',
    matches: isOneOf('enum', 'set'),
    postgres: (c) => `varchar(${c.length})`,
    mysqlTarget: (c) => `VARCHAR(${c.length}) CHARACTER SET ${mysqlCharset(c)}`,
    db2: db2Text,
    why:
      "the value's text, as long as the longest value: a member added in staging later still " +
      'loads (a widened length is refused with the ALTER TABLE to run)',
  },
  {
    mysql: 'BINARY(n)',
    matches: isOneOf('binary'),
    postgres: () => 'bytea',
    mysqlTarget: (c) => `BINARY(${c.length})`,
    db2: (c) => db2Binary(c, true),
  },
  {
    mysql: 'VARBINARY(n)',
    matches: isOneOf('varbinary'),
    postgres: () => 'bytea',
    mysqlTarget: (c) => `VARBINARY(${c.length})`,
    db2: (c) => db2Binary(c, false),
    why: 'DB2: VARBINARY up to 32,672 bytes, BLOB beyond',
  },
  {
    mysql: 'TINYBLOB, BLOB, MEDIUMBLOB, LONGBLOB',
    matches: isOneOf('tinyblob', 'blob', 'mediumblob', 'longblob'),
    postgres: () => 'bytea',
    mysqlTarget: (c) => c.base.toUpperCase(),
    db2: (c) => db2Binary(c, false),
    why: 'DB2: LONGBLOB (4 GB) is refused, a BLOB holds 2 GB',
  },
  {
    mysql: 'JSON',
    matches: isOneOf('json'),
    postgres: () => 'json',
    mysqlTarget: () => 'JSON',
    db2: (c) =>
      refuse(
        `${c.sqlType}: DB2 has no JSON column type and a CLOB is bounded; sync this table to a ` +
          `PostgreSQL or MySQL warehouse, or change the staging column to MEDIUMTEXT`,
      ),
    why:
      'PostgreSQL: json, not jsonb, which would reorder keys and drop duplicates (MariaDB ' +
      'stores JSON as LONGTEXT: mapped as text)',
  },
];

/** The source column as the rules read it. */
export function shapeOf(column: Column): SourceShape {
  const t = column.type;
  const base = /^[a-z]+/i.exec(column.sqlType)?.[0]?.toLowerCase() ?? '';
  const shape: SourceShape = {
    base,
    unsigned: /\bunsigned\b/i.test(column.sqlType),
    precision: 0,
    scale: 0,
    fsp: 0,
    length: 0,
    charset: 'unicode',
    sqlType: column.sqlType,
  };
  if (t.kind === 'decimal') {
    shape.precision = t.precision ?? 65;
    shape.scale = t.scale ?? 0;
  } else if (t.kind === 'time' || t.kind === 'timestamp') {
    shape.fsp = t.fsp;
  } else if (t.kind === 'text') {
    shape.length = t.maxChars ?? t.maxBytes ?? 4_294_967_295;
    shape.charset = t.charset ?? 'unicode';
  } else if (t.kind === 'binary') {
    shape.length = t.maxBytes ?? 4_294_967_295;
  }
  if (base === 'bit') shape.precision = Number(/\((\d+)\)/.exec(column.sqlType)?.[1] ?? 1);
  return shape;
}

/** The warehouse type for a source column, or the reason there is none. */
export function mapColumnType(dialect: Dialect, column: Column): Mapped {
  const shape = shapeOf(column);
  const row = TYPE_MAP.find((r) => r.matches(shape));
  if (!row) {
    return {
      refused:
        `${column.sqlType} has no lossless ${dialectName(dialect)} type in warehouse-sync; ` +
        `drop the column from the staging table, or change it to a type listed in the README's ` +
        `type mapping`,
    };
  }
  const mapped = (dialect === 'postgres' ? row.postgres : dialect === 'mysql' ? row.mysqlTarget : row.db2)(shape);
  return typeof mapped === 'string' ? { sql: mapped } : mapped;
}

export function dialectName(dialect: Dialect): string {
  return dialect === 'postgres' ? 'PostgreSQL' : dialect === 'mysql' ? 'MySQL/MariaDB' : 'DB2';
}

/** The README's table: one row per MySQL type, one column per warehouse, and why. */
export function typeMapMarkdown(): string {
  const fixedSize: SourceShape = {
    base: '',
    unsigned: false,
    precision: 1,
    scale: 0,
    fsp: 0,
    length: 0,
    charset: 'unicode',
    sqlType: '',
  };
  const cell = (dialect: Dialect, row: TypeRow) => {
    const written = DOC_CELLS[row.mysql]?.[dialect];
    if (written) return written;
    const mapped = (dialect === 'postgres' ? row.postgres : dialect === 'mysql' ? row.mysqlTarget : row.db2)(fixedSize);
    return typeof mapped === 'string' ? mapped : 'refused';
  };
  const lines = ['| MySQL | PostgreSQL | MySQL/MariaDB | DB2 | Why |', '|---|---|---|---|---|'];
  for (const row of TYPE_MAP)
    lines.push(
      `| ${row.mysql} | ${cell('postgres', row)} | ${cell('mysql', row)} | ` +
        `${cell('db2', row)} | ${row.why ?? ''} |`,
    );
  return lines.join('\n');
}

/** Cells whose rule depends on the column's size, written out for the README. */
const DOC_CELLS: Record<string, Partial<Record<Dialect, string>>> = {
  'DECIMAL(p,s), NUMERIC(p,s)': {
    postgres: 'numeric(p,s)',
    mysql: 'DECIMAL(p,s)',
    db2: 'p ≤ 31: DECIMAL(p,s); p ≤ 34: DECFLOAT(34); refused beyond',
  },
  'DATETIME(p)': { postgres: 'timestamp(p)', mysql: 'DATETIME(p)', db2: 'TIMESTAMP(p)' },
  'TIMESTAMP(p)': { postgres: 'timestamp(p)', mysql: 'DATETIME(p)', db2: 'TIMESTAMP(p)' },
  'TIME(p)': { postgres: 'time(p)', mysql: 'TIME(p)', db2: 'p = 0: TIME; refused otherwise' },
  'CHAR(n)': { postgres: 'varchar(n)', mysql: 'CHAR(n) CHARACTER SET (same)', db2: 'VARCHAR(n CODEUNITS32)' },
  'VARCHAR(n)': {
    postgres: 'varchar(n)',
    mysql: 'VARCHAR(n) CHARACTER SET (same)',
    db2: 'n ≤ 8168: VARCHAR(n CODEUNITS32); CLOB(n CODEUNITS32) beyond',
  },
  'TINYTEXT, TEXT, MEDIUMTEXT, LONGTEXT': {
    postgres: 'text',
    mysql: 'same',
    db2: 'VARCHAR(255 CODEUNITS32), CLOB(65535 CODEUNITS32), CLOB(16777215 CODEUNITS32); ' + 'LONGTEXT refused',
  },
  'ENUM(…), SET(…)': { postgres: 'varchar(n)', mysql: 'VARCHAR(n)', db2: 'VARCHAR(n CODEUNITS32)' },
  'BINARY(n)': { postgres: 'bytea', mysql: 'BINARY(n)', db2: 'BINARY(n)' },
  'VARBINARY(n)': { postgres: 'bytea', mysql: 'VARBINARY(n)', db2: 'n ≤ 32672: VARBINARY(n); BLOB(n) beyond' },
  'TINYBLOB, BLOB, MEDIUMBLOB, LONGBLOB': {
    postgres: 'bytea',
    mysql: 'same',
    db2: 'BLOB(255), BLOB(65535), BLOB(16777215); LONGBLOB refused',
  },
  'BIT(n)': { postgres: 'bytea', mysql: 'BIT(n)', db2: 'BINARY(ceil(n/8))' },
  JSON: { postgres: 'json', mysql: 'JSON', db2: 'refused' },
};
