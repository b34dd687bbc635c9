/**
 * `--create-table` and `--add-columns`: before a run plans its tables, a missing warehouse table is
 * created and columns that appeared in staging are added, with the DDL of lib/schema/table-ddl.ts.
 * Everything is worked out for every table first; if any column cannot be created or added
 * losslessly, or an existing column can no longer hold its source column, the run is refused with
 * one line per problem before any statement runs.
 *
 * Two runs doing this at once: the second one's CREATE TABLE or ADD COLUMN fails with "already
 * exists", which is taken as done (the first run made the same thing from the same source). The
 * rows are then loaded under the writer lock, which only one of them gets at a time, so none is
 * loaded twice.
 */
import { cannotHold, charsetFits, matchColumns, type ColumnMatch, type ColumnPair } from '../columns';
import type { SyncConfig, TablePair } from '../config';
import { oneLine, RunError, SchemaError } from '../errors';
import type { Source } from '../source/source';
import type { Warehouse, WarehouseTable } from '../warehouse/warehouse';
import type { DdlDialect } from './ddl-dialect';
import { addColumnsDdl, createTableDdl, ddlDialect, widenDdl } from './table-ddl';
import type { Dialect } from './type-map';

/** What this run changed in a warehouse table, for its report. */
export interface TableChanges {
  createdTable?: boolean;
  /** Source columns added to the warehouse table; the rows loaded before hold NULL there. */
  addedColumns?: string[];
}

interface Pending {
  pair: TablePair;
  create: boolean;
  statements: string[];
  columns: string[];
}

export async function prepareWarehouseTables(
  config: SyncConfig,
  source: Source,
  warehouse: Warehouse,
): Promise<Map<string, TableChanges>> {
  const changes = new Map<string, TableChanges>();
  if ((!config.createTable && !config.addColumns) || config.dryRun) return changes;
  const d = await ddlDialect(warehouse.kind as Dialect);
  const problems: string[] = [];
  const pending: Pending[] = [];
  for (const pair of config.tables) {
    const [s, w] = await Promise.all([source.describeTable(pair.source), warehouse.describeTable(pair.warehouse)]);
    if (!s) continue; // planTables reports it
    if (!w) {
      if (!config.createTable) continue;
      const ddl = createTableDdl(d, pair.label, pair.warehouse, s.columns, config.key);
      problems.push(...ddl.problems);
      pending.push({ pair, create: true, statements: ddl.statements, columns: [] });
      continue;
    }
    const match = matchColumns(s.columns, w.columns, config.key);
    problems.push(...withAlterHints(d, w, match).map((p) => `table ${pair.label}: ${p}`));
    if (!config.addColumns || match.sourceOnly.length === 0) continue;
    const added = s.columns.filter((c) => match.sourceOnly.includes(c.name));
    const ddl = addColumnsDdl(d, pair.label, w.sql, added);
    problems.push(...ddl.problems);
    pending.push({ pair, create: false, statements: ddl.statements, columns: added.map((c) => c.name) });
  }
  if (problems.length) throw new SchemaError(problems.join('; '));

  let executed = 0;
  for (const p of pending) {
    const done: string[] = [];
    for (const [i, statement] of p.statements.entries()) {
      try {
        await warehouse.executeDdl(statement);
        if (p.create) changes.set(p.pair.label, { createdTable: true });
        else done.push(p.columns[i]);
      } catch (error) {
        if (d.isAlreadyThere(error)) continue;
        const what =
          `table ${p.pair.label}: ` +
          `${p.create ? 'creating the warehouse table' : `adding column ${p.columns[i]}`} ` +
          `failed: ${oneLine(error)}`;
        // Nothing written yet: a refusal like any other; after an earlier statement, a failed run.
        throw executed === 0 ? new SchemaError(what) : new RunError(what);
      }
      executed++;
    }
    if (done.length) changes.set(p.pair.label, { addedColumns: done });
  }
  return changes;
}

/**
 * Drops the tables this run created, when the run is then refused before loading (a value the
 * warehouse cannot hold, an encoding that cannot store the text): a refusal leaves the warehouse as
 * it was. Only tables whose CREATE this run's own statement made, so still without rows.
 */
export async function dropCreatedTables(
  config: SyncConfig,
  warehouse: Warehouse,
  changes: Map<string, TableChanges>,
): Promise<void> {
  const d = await ddlDialect(warehouse.kind as Dialect);
  for (const pair of config.tables) {
    if (changes.get(pair.label)?.createdTable)
      await warehouse.executeDdl(`DROP TABLE ${d.tableName(pair.warehouse)}`).catch(() => undefined);
  }
}

/**
 * The column problems of `match`, where a column's type no longer holds its source column's (a
 * staging column widened) followed by the ALTER TABLE that widens the warehouse column.
 */
export function withAlterHints(d: DdlDialect, table: WarehouseTable, match: ColumnMatch): string[] {
  return match.problems.map((problem) => {
    const pair = match.pairs.find((p) => problem.startsWith(`column ${p.source.name}: `));
    if (!pair || !widensType(pair)) return problem;
    const alter = widenDdl(d, table.sql, pair.source, pair.warehouse.name, pair.warehouse.nullable);
    return alter ? `${problem}; to widen it run: ${alter}` : problem;
  });
}

/** The pair's problem is its type's size or range, which a wider column of the mapped type solves. */
function widensType({ source, warehouse }: ColumnPair): boolean {
  if (cannotHold({ ...source, nullable: false }, warehouse) === null) return false;
  // An encoding that cannot store the text is the database's, not the column's.
  const s = source.type;
  const w = warehouse.type;
  return !(s.kind === 'text' && w.kind === 'text' && !charsetFits(s.charset ?? 'unicode', w.charset ?? 'unicode'));
}

/** The one-line refusal for a missing warehouse table, naming the flag and `ddl`. */
export function missingTableMessage(label: string, table: string, config: SyncConfig): string {
  const how =
    config.createTable && config.dryRun
      ? 'a dry run creates nothing: run without --dry-run to create it, or see its DDL with warehouse-sync ddl'
      : 'create it: run with --create-table [SYNC_CREATE_TABLE], or see its DDL with warehouse-sync ddl';
  return `table ${label}: warehouse table ${table} not found in ${config.warehouse.redacted} (${how})`;
}
