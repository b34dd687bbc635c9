/**
 * `warehouse-sync ddl`: the CREATE TABLE each configured warehouse table needs, in the warehouse's
 * dialect, from the source's columns, for a DBA to review before anything runs. Only the source is
 * opened; the warehouse's kind comes from its URL, so the warehouse is neither connected to nor
 * written. The output depends only on the source's columns and the options: deterministic.
 */
import type { SyncConfig } from '../config';
import { failedReport, failureOf, SchemaError } from '../errors';
import { MySqlSource } from '../source/mysql/mysql-source';
import { createTableDdl, ddlDialect } from './table-ddl';
import { dialectName, type Dialect } from './type-map';

export interface DdlReport {
  ok: boolean;
  /** The warehouse's dialect. */
  warehouse: Dialect;
  tables: Array<{ table: string; statements: string[] }>;
  error?: string;
  exitCode: 0 | 1 | 2;
}

export async function warehouseDdl(config: SyncConfig): Promise<DdlReport> {
  const kind = config.warehouse.kind;
  const tables: DdlReport['tables'] = [];
  let source: MySqlSource | null = null;
  try {
    const d = await ddlDialect(kind);
    source = await MySqlSource.open(config.source);
    const problems: string[] = [];
    for (const pair of config.tables) {
      const s = await source.describeTable(pair.source);
      if (!s) {
        problems.push(
          `table ${pair.label}: source table ` +
            `${pair.source.schema ? `${pair.source.schema}.` : ''}${pair.source.name} not found in ` +
            `${config.source.redacted}`,
        );
        continue;
      }
      const ddl = createTableDdl(d, pair.label, pair.warehouse, s.columns, config.key);
      problems.push(...ddl.problems);
      tables.push({ table: pair.label, statements: ddl.statements });
    }
    if (problems.length) throw new SchemaError(problems.join('; '));
    return { ok: true, warehouse: kind, tables, exitCode: 0 };
  } catch (error) {
    return { ...failedReport(failureOf(error)), warehouse: kind };
  } finally {
    await source?.close(true);
  }
}

/** Statements ready to paste into the warehouse's SQL console, one table after another. */
export function formatDdl(report: DdlReport): string {
  return report.tables
    .map((t) => `-- ${t.table} (${dialectName(report.warehouse)})\n${t.statements.map((s) => `${s};`).join('\n')}`)
    .join('\n\n');
}
