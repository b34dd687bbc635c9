/**
 * DB2's spelling of the warehouse DDL (lib/schema/table-ddl.ts): unquoted names fold to upper case,
 * so the created names are upper case and quoted, and the table is found as SALES_DATA however the
 * user writes sales_data. No IF NOT EXISTS (DB2 before 12.1 lacks it): a second run's CREATE fails
 * with SQLSTATE 42710 and goes on with the table the first one made.
 */
import type { TableName } from '../../config';
import type { ColumnDdl, DdlDialect } from '../../schema/ddl-dialect';
import { foldIdentifier, ident } from '../../dialect/db2/db2-sql';

const column = (c: ColumnDdl) => `${c.name} ${c.type}${c.notNull ? ' NOT NULL' : ''}`;

export const DB2_DDL: DdlDialect = {
  dialect: 'db2',
  tableName: (name: TableName) =>
    (name.schema ? `${ident(foldIdentifier(name.schema))}.` : '') + ident(foldIdentifier(name.name)),
  columnName: (name) => ident(name.toUpperCase()),
  quote: ident,
  createTable: (table, columns, key) =>
    `CREATE TABLE ${table} (\n${columns.map((c) => `  ${column(c)},\n`).join('')}  PRIMARY KEY (${key})\n)`,
  addColumn: (table, c) => `ALTER TABLE ${table} ADD COLUMN ${column(c)}`,
  alterColumnType: (table, c) => `ALTER TABLE ${table} ALTER COLUMN ${c.name} SET DATA TYPE ${c.type}`,
  // 42710: an object with that name exists; 42711: a column with that name exists.
  isAlreadyThere: (error) => ['42710', '42711'].includes((error as { sqlstate?: string } | null)?.sqlstate ?? ''),
};
