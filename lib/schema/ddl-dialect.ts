/** What each warehouse's DDL module (lib/warehouse/<db>/<db>-ddl.ts) provides to lib/schema/table-ddl.ts. */
import type { TableName } from '../config';
import type { Dialect } from './type-map';

/** A warehouse column to create or add: its name in the warehouse's spelling and its type. */
export interface ColumnDdl {
  name: string;
  type: string;
  notNull: boolean;
}

/** One warehouse's spelling of the statements (lib/warehouse/<db>/<db>-ddl.ts). */
export interface DdlDialect {
  readonly dialect: Dialect;
  /** The table's SQL name as the user wrote it, folded and quoted the way the warehouse resolves it. */
  tableName(name: TableName): string;
  /** A source column's name as the warehouse would fold it unquoted, quoted. */
  columnName(name: string): string;
  /** An existing name, exactly as it is, quoted. */
  quote(exact: string): string;
  createTable(table: string, columns: ColumnDdl[], key: string): string;
  addColumn(table: string, column: ColumnDdl): string;
  /** Changes an existing column's type to `column.type`, keeping its nullability `column.notNull`. */
  alterColumnType(table: string, column: ColumnDdl): string;
  /** The statement failed because the object is already there (another run created it first). */
  isAlreadyThere(error: unknown): boolean;
}
