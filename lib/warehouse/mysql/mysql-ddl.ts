/** MySQL/MariaDB's spelling of the warehouse DDL (lib/schema/table-ddl.ts): names keep their case. */
import type { TableName } from '../../config';
import type { ColumnDdl, DdlDialect } from '../../schema/ddl-dialect';
import { ident, unquote } from '../../dialect/mysql/mysql-sql';

const column = (c: ColumnDdl) => `${c.name} ${c.type} ${c.notNull ? 'NOT NULL' : 'NULL'}`;

export const MYSQL_DDL: DdlDialect = {
  dialect: 'mysql',
  tableName: (name: TableName) => (name.schema ? `${ident(unquote(name.schema))}.` : '') + ident(unquote(name.name)),
  columnName: (name) => ident(name),
  quote: ident,
  // InnoDB: clustered on the primary key, so the watermark (MAX of the key) is one index dive.
  createTable: (table, columns, key) =>
    `CREATE TABLE ${table} (\n${columns.map((c) => `  ${column(c)},\n`).join('')}` +
    `  PRIMARY KEY (${key})\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
  addColumn: (table, c) => `ALTER TABLE ${table} ADD COLUMN ${column(c)}`,
  alterColumnType: (table, c) => `ALTER TABLE ${table} MODIFY COLUMN ${column(c)}`,
  // ER_TABLE_EXISTS_ERROR, ER_DUP_FIELDNAME
  isAlreadyThere: (error) => [1050, 1060].includes((error as { errno?: number } | null)?.errno ?? 0),
};
