/** PostgreSQL's spelling of the warehouse DDL (lib/schema/table-ddl.ts): unquoted names fold to lower case. */
import type { TableName } from '../../config';
import type { ColumnDdl, DdlDialect } from '../../schema/ddl-dialect';
import { foldIdentifier, ident } from '../../dialect/postgres/postgres-sql';

const column = (c: ColumnDdl) => `${c.name} ${c.type}${c.notNull ? ' NOT NULL' : ''}`;

export const POSTGRES_DDL: DdlDialect = {
  dialect: 'postgres',
  tableName: (name: TableName) =>
    (name.schema ? `${ident(foldIdentifier(name.schema))}.` : '') + ident(foldIdentifier(name.name)),
  columnName: (name) => ident(name.toLowerCase()),
  quote: ident,
  createTable: (table, columns, key) =>
    `CREATE TABLE ${table} (\n${columns.map((c) => `  ${column(c)},\n`).join('')}  PRIMARY KEY (${key})\n)`,
  addColumn: (table, c) => `ALTER TABLE ${table} ADD COLUMN ${column(c)}`,
  alterColumnType: (table, c) => `ALTER TABLE ${table} ALTER COLUMN ${c.name} TYPE ${c.type}`,
  // 42P07 duplicate_table, 42701 duplicate_column; 23505 when two sessions create the same table at
  // once (the loser collides on pg_type's unique index before it sees the table).
  isAlreadyThere: (error) => ['42P07', '42701', '23505'].includes((error as { code?: string } | null)?.code ?? ''),
};
