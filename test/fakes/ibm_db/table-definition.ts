/**
 * The engine's table definitions: the length, precision and scale DB2 accepts for a column's type
 * (CREATE TABLE and ALTER TABLE), and ALTER TABLE's ADD COLUMN and ALTER COLUMN … SET DATA TYPE with
 * DB2's rules for what each accepts. Rows are arrays indexed by column, so a column added here is
 * appended to every stored row, committed or still in a transaction.
 *
 * Sources (IBM Db2 11.5 for Linux, UNIX and Windows):
 *   - ALTER TABLE statement, https://www.ibm.com/docs/en/db2/11.5?topic=statements-alter-table
 *   - Altering tables (SET DATA TYPE support), https://www.ibm.com/docs/en/ias?topic=tables-altering:
 *     "supports all compatible types"; existing data is scanned and the ALTER fails if a value cannot
 *     be cast (blanks may be cut from strings, a DECIMAL to INTEGER truncates); "Altering a VARCHAR,
 *     VARGRAPHIC, or LOB column to a data type that is sooner in the data type precedence list is not
 *     supported". The 10.5 edition of that page shows a VARCHAR(15) column whose values do not fit
 *     VARCHAR(14) refused with SQL0190N (SQLSTATE 42837): http://www.ibm.com/support/knowledgecenter/
 *     SSEPGG_10.5.0/com.ibm.db2.luw.admin.dbobj.doc/doc/r0053739.html.
 *   - SQL and XML limits, https://ibm.com/docs/en/db2/11.1?topic=s-sql-xml-limits: CHAR 255 bytes,
 *     VARCHAR 32,672 bytes (8,168 CODEUNITS32), CLOB and BLOB 2,147,483,647 bytes, BINARY 255,
 *     VARBINARY 32,672, GRAPHIC 127 and VARGRAPHIC 16,336 double-byte characters, DECIMAL 31 digits.
 *
 * Not modelled: the table lock ALTER TABLE takes (it applies at once, like the engine's other DDL),
 * the REORG a real DB2 may recommend or require after a type change (the table stays usable here),
 * row-size limits by table space page size (a database created since 10.5 has EXTENDED_ROW_SZ
 * enabled, so a row longer than a page is taken), and the columns that cannot be altered (identity,
 * generated, partitioning key, referenced by a view or a materialized query table).
 */
import { sqlError } from './errors';
import type { FakeDatabase, Session, TableInfo } from './engine';
import { typeDefault } from './engine';
import type { ColumnDefinition, TableAlteration } from './sql';
import { assign, type BaseType, type SqlType, type Val } from './values';

const MAX_LOB_BYTES = 2_147_483_647;

/** The most a column of this base type holds, in bytes (strings, binary) or double-byte characters (graphic). */
const MAX_LENGTH: Partial<Record<BaseType, number>> = {
  CHAR: 255,
  VARCHAR: 32_672,
  CLOB: MAX_LOB_BYTES,
  BINARY: 255,
  VARBINARY: 32_672,
  BLOB: MAX_LOB_BYTES,
  GRAPHIC: 127,
  VARGRAPHIC: 16_336,
  DBCLOB: 1_073_741_823,
};

const invalidAttribute = (item: string) =>
  sqlError(
    '42611',
    -604,
    `SQL0604N  The length, precision, or scale attribute for column, distinct type, ` +
      `structured type, array type, attribute of structured type, routine, cast target type, ` +
      `type mapping, or global variable "${item}" is not valid.`,
  );

const incompatibleColumn = (table: TableInfo, column: string) =>
  sqlError(
    '42837',
    -190,
    `SQL0190N  ALTER TABLE "${table.schema}.${table.name}" specified attributes for column ` +
      `"${column}" that are not compatible with the existing column.`,
  );

/** SQL0604N unless DB2 can declare a column of `type` (lengths within the limits above, in the column's units). */
export function checkColumnType(name: string, type: SqlType): void {
  const max = MAX_LENGTH[type.base];
  if (max !== undefined) {
    const graphic = type.base === 'GRAPHIC' || type.base === 'VARGRAPHIC' || type.base === 'DBCLOB';
    // The limit is in bytes (double-byte characters for graphic types); a length in code units
    // takes 4 bytes (2 for graphic) each.
    const perUnit = type.units === 'CODEUNITS32' ? (graphic ? 2 : 4) : type.units === 'CODEUNITS16' && !graphic ? 2 : 1;
    if (type.length < 1 || type.length * perUnit > max) throw invalidAttribute(name);
  }
  if (type.base === 'DECIMAL' && (type.length < 1 || type.length > 31 || type.scale > type.length))
    throw invalidAttribute(name);
  if (type.base === 'DECFLOAT' && type.length !== 16 && type.length !== 34) throw invalidAttribute(name);
  if (type.base === 'TIMESTAMP' && type.scale > 12) throw invalidAttribute(name);
}

export function alterTable(db: FakeDatabase, session: Session, table: TableInfo, alterations: TableAlteration[]): void {
  // Every clause is checked against the table as the earlier clauses leave it; a failing clause
  // leaves the table as it was before the statement.
  const before = { columns: [...table.columns], rows: snapshotRows(db, table) };
  try {
    for (const alteration of alterations) {
      if (alteration.k === 'addColumn') addColumn(db, session, table, alteration.column);
      else setDataType(db, table, alteration.column, alteration.type);
    }
  } catch (error) {
    table.columns = before.columns;
    for (const [row, values] of before.rows) row.splice(0, row.length, ...values);
    throw error;
  }
}

function addColumn(db: FakeDatabase, session: Session, table: TableInfo, column: ColumnDefinition): void {
  if (table.columns.some((c) => c.name === column.name))
    throw sqlError('42711', -612, `SQL0612N  "${column.name}" is a duplicate name.`);
  checkColumnType(column.name, column.type);
  // Existing rows take the column's default, so a NOT NULL column needs one that is not NULL.
  const defaultsToNull =
    column.defaultValue !== null
      ? column.defaultValue.k === 'lit' && column.defaultValue.val === null
      : column.defaultText === null;
  if (column.notNull && defaultsToNull) {
    throw sqlError(
      '42601',
      -193,
      `SQL0193N  In an ALTER TABLE, ALTER NICKNAME or ALTER VIEW statement, the column ` +
        `"${column.name}" has been specified as NOT NULL and either the DEFAULT clause was not ` +
        `specified or was specified as DEFAULT NULL.`,
    );
  }
  let value: Val = null;
  if (column.defaultValue)
    value = assign(
      db.compile(column.defaultValue, { columns: [], qualifier: null }, false)({ row: [], params: [], session }),
      column.type,
      false,
    );
  else if (column.defaultText !== null) value = typeDefault(column.type);
  table.columns = [
    ...table.columns,
    {
      name: column.name,
      type: column.type,
      nullable: !column.notNull,
      defaultExpr: column.defaultValue,
      defaultText: column.defaultText,
      identity: false,
    },
  ];
  for (const row of storedRows(db, table)) row.push(value);
}

const NUMERIC: BaseType[] = ['SMALLINT', 'INTEGER', 'BIGINT', 'DECIMAL', 'DECFLOAT', 'REAL', 'DOUBLE'];
/** Each string family in DB2's data type precedence order (Promotion of data types). */
const STRING_FAMILIES: BaseType[][] = [
  ['CHAR', 'VARCHAR', 'CLOB'],
  ['GRAPHIC', 'VARGRAPHIC', 'DBCLOB'],
  ['BINARY', 'VARBINARY', 'BLOB'],
];
const LOBS: BaseType[] = ['CLOB', 'DBCLOB', 'BLOB'];
const DATETIME: BaseType[] = ['DATE', 'TIMESTAMP'];

/** Whether SET DATA TYPE may turn a column of type `from` into `to` (before the data scan). */
function alterable(from: SqlType, to: SqlType): boolean {
  if (NUMERIC.includes(from.base)) return NUMERIC.includes(to.base);
  const family = STRING_FAMILIES.find((f) => f.includes(from.base));
  if (family) {
    if (!family.includes(to.base) || from.forBitData !== to.forBitData) return false;
    const [a, b] = [family.indexOf(from.base), family.indexOf(to.base)];
    // A VARCHAR/VARGRAPHIC/VARBINARY or LOB column cannot go to a type sooner in the precedence
    // list (CLOB to VARCHAR, VARCHAR to CHAR), and a LOB does not shrink.
    if (a > 0 && b < a) return false;
    return !(LOBS.includes(from.base) && to.base === from.base && bytesOf(to) < bytesOf(from));
  }
  if (DATETIME.includes(from.base)) return DATETIME.includes(to.base);
  return from.base === to.base;
}

function bytesOf(type: SqlType): number {
  return type.length * (type.units === 'CODEUNITS32' ? 4 : type.units === 'CODEUNITS16' ? 2 : 1);
}

function setDataType(db: FakeDatabase, table: TableInfo, name: string, type: SqlType): void {
  const index = table.columns.findIndex((c) => c.name === name);
  if (index < 0)
    throw sqlError(
      '42703',
      -205,
      `SQL0205N  Column, attribute, or period "${name}" is not defined in ` + `"${table.schema}.${table.name}".`,
    );
  checkColumnType(name, type);
  const column = table.columns[index];
  if (!alterable(column.type, type)) throw incompatibleColumn(table, name);
  // The data scan: every stored value must take the new type by assignment, else the ALTER fails
  // (a real DB2 writes the rows that conflict to its notification log).
  const converted = new Map<Val[], Val>();
  for (const row of storedRows(db, table)) {
    try {
      converted.set(row, assign(row[index], type, false));
    } catch {
      throw incompatibleColumn(table, name);
    }
  }
  for (const [row, value] of converted) row[index] = value;
  table.columns = table.columns.map((c, i) => (i === index ? { ...c, type } : c));
}

/** Every row array of `table` once: committed rows and the rows of every open transaction. */
function storedRows(db: FakeDatabase, table: TableInfo): Set<Val[]> {
  const rows = new Set<Val[]>(table.rows.values());
  for (const session of db.sessions) {
    for (const row of session.tx?.inserted.get(table)?.values() ?? []) rows.add(row);
    for (const row of session.tx?.updated.get(table)?.values() ?? []) rows.add(row);
  }
  return rows;
}

function snapshotRows(db: FakeDatabase, table: TableInfo): Map<Val[], Val[]> {
  return new Map([...storedRows(db, table)].map((row) => [row, [...row]]));
}
