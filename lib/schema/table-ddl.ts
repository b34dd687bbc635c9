/**
 * The DDL a warehouse needs for a source table: CREATE TABLE (the key NOT NULL and the PRIMARY KEY,
 * whose unique index makes the watermark an index lookup), ADD COLUMN for a column that appeared in
 * staging, and the ALTER TABLE a user can run when a staging column widened. The types come from
 * lib/schema/type-map.ts; each warehouse's spelling (names, quoting, statements) from its
 * lib/warehouse/<db>/<db>-ddl.ts.
 *
 * The primary key is declared inside CREATE TABLE rather than by a separate CREATE INDEX so that the
 * table and its index appear in one statement: a concurrent run never sees the table without it.
 */
import type { Column } from '../columns';
import type { TableName } from '../config';
import type { ColumnDdl, DdlDialect } from './ddl-dialect';
import { dialectName, mapColumnType, type Dialect } from './type-map';

export interface TableDdl {
  statements: string[];
  /** One line per column that cannot be created losslessly: the column, why, and the user's choice. */
  problems: string[];
}

export async function ddlDialect(dialect: Dialect): Promise<DdlDialect> {
  switch (dialect) {
    case 'postgres':
      return (await import('../warehouse/postgres/postgres-ddl')).POSTGRES_DDL;
    case 'mysql':
      return (await import('../warehouse/mysql/mysql-ddl')).MYSQL_DDL;
    case 'db2':
      return (await import('../warehouse/db2/db2-ddl')).DB2_DDL;
  }
}

/** A source column as a warehouse column; `nullable` forces NULL (a column added to existing rows). */
export function columnDdl(d: DdlDialect, column: Column, forceNullable = false): ColumnDdl | { refused: string } {
  const mapped = mapColumnType(d.dialect, column);
  if ('refused' in mapped) return mapped;
  return { name: d.columnName(column.name), type: mapped.sql, notNull: !forceNullable && !column.nullable };
}

/** CREATE TABLE for the source's columns, or the problems that prevent creating it losslessly. */
export function createTableDdl(
  d: DdlDialect,
  label: string,
  name: TableName,
  columns: Column[],
  key: string,
): TableDdl {
  const problems: string[] = [];
  const defs: ColumnDdl[] = [];
  const keyColumn = columns.find((c) => c.name.toLowerCase() === key.toLowerCase());
  if (!keyColumn) problems.push(`table ${label}: key column ${key} is not in the source table (set --key)`);
  else if (keyColumn.type.kind !== 'integer')
    problems.push(`table ${label}: key column ${key} is ${keyColumn.sqlType}; the key must be an integer column`);
  for (const column of columns) {
    const def = columnDdl(d, column);
    if ('refused' in def) {
      problems.push(`table ${label}: column ${column.name} ${def.refused}`);
      continue;
    }
    // The key is NOT NULL in the warehouse whatever the source says: the primary key needs it, and
    // the run already refuses a nullable source key.
    defs.push(column === keyColumn ? { ...def, notNull: true } : def);
  }
  if (problems.length || !keyColumn) return { statements: [], problems };
  return { statements: [d.createTable(d.tableName(name), defs, d.columnName(keyColumn.name))], problems };
}

/** ADD COLUMN statements for source columns the warehouse table lacks (nullable: earlier rows hold NULL). */
export function addColumnsDdl(d: DdlDialect, label: string, tableSql: string, columns: Column[]): TableDdl {
  const problems: string[] = [];
  const statements: string[] = [];
  for (const column of columns) {
    const def = columnDdl(d, column, true);
    if ('refused' in def) problems.push(`table ${label}: column ${column.name} cannot be added: ${def.refused}`);
    else statements.push(d.addColumn(tableSql, def));
  }
  return { statements, problems };
}

/** The ALTER TABLE that lets warehouse column `warehouseName` hold source `column`, or null if there is none. */
export function widenDdl(
  d: DdlDialect,
  tableSql: string,
  column: Column,
  warehouseName: string,
  warehouseNullable: boolean,
): string | null {
  const def = columnDdl(d, column);
  if ('refused' in def) return null;
  return d.alterColumnType(tableSql, {
    ...def,
    name: d.quote(warehouseName),
    notNull: !warehouseNullable && !column.nullable,
  });
}

export { dialectName };
