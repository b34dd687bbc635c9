/** Planning: every table resolved on both sides and every column checked before anything is written. */
import { matchColumns, unprovenKey, type Column, type ColumnPair } from '../columns';
import type { SyncConfig, TablePair } from '../config';
import { SchemaError } from '../errors';
import { missingTableMessage, withAlterHints } from '../schema/prepare-tables';
import { ddlDialect } from '../schema/table-ddl';
import type { Dialect } from '../schema/type-map';
import type { Source, SourceTable } from '../source/source';
import { failedCheckMessage, valueChecks } from '../value-checks';
import type { LoadTarget, Warehouse, WarehouseTable } from '../warehouse/warehouse';
import type { Row } from '../rows';

/** Everything one table's cycle needs, resolved and checked before anything is written. */
export interface TablePlan {
  pair: TablePair;
  source: SourceTable;
  warehouse: WarehouseTable;
  /** Source columns to read, in order; `target.columns` are where they land. */
  sourceColumns: Column[];
  sourceKey: Column;
  target: LoadTarget;
  pairs: ColumnPair[];
  sourceOnly: string[];
  /** Indexes (in row order) of date/timestamp columns, checked for MySQL zero dates. */
  dateIndexes: number[];
  keyIndex: number;
}

/** Resolves every table and checks every column before anything is written; throws SchemaError listing all problems. */
export async function planTables(config: SyncConfig, source: Source, warehouse: Warehouse): Promise<TablePlan[]> {
  const problems: string[] = [];
  const plans: TablePlan[] = [];
  for (const pair of config.tables) {
    const [s, w] = await Promise.all([source.describeTable(pair.source), warehouse.describeTable(pair.warehouse)]);
    if (!s)
      problems.push(
        `table ${pair.label}: source table ${fmt(pair.source)} not found in ` + `${config.source.redacted}`,
      );
    if (!w) problems.push(missingTableMessage(pair.label, fmt(pair.warehouse), config));
    if (!s || !w) continue;
    const match = matchColumns(s.columns, w.columns, config.key);
    if (match.problems.length) {
      const hinted = withAlterHints(await ddlDialect(warehouse.kind as Dialect), w, match);
      problems.push(...hinted.map((p) => `table ${pair.label}: ${p}`));
      continue;
    }
    const keyPair = match.pairs.find((p) => p.source.name.toLowerCase() === config.key.toLowerCase())!;
    const keyIndex = match.pairs.indexOf(keyPair);
    // Only what writes needs a proven key: verify without --repair counts duplicated and NULL keys.
    const writes = config.command === 'run' || config.repair;
    const unproven = writes ? unprovenKey(keyPair.source, s.uniqueColumns) : null;
    if (unproven) {
      problems.push(`table ${pair.label}: ${unproven}`);
      continue;
    }
    const checks = writes ? valueChecks(match.pairs) : [];
    if (checks.length > 0) {
      // The rows this command may load: a run those above its late window (the watermark read
      // again under the lock can only be higher), a repair any row.
      const watermark = config.command === 'run' ? await warehouse.maxKey(w, keyPair.warehouse) : null;
      const after = watermark === null ? null : watermark - BigInt(config.lateWindow);
      const failing = await source.firstFailingRow(s, keyPair.source, checks, after);
      if (failing) {
        problems.push(
          `table ${pair.label}: ` +
            `${failedCheckMessage(failing.check, keyPair.source.name, failing.key, failing.value)}`,
        );
        continue;
      }
    }
    plans.push({
      pair,
      source: s,
      warehouse: w,
      sourceColumns: match.pairs.map((p) => p.source),
      sourceKey: keyPair.source,
      target: { table: w, columns: match.pairs.map((p) => p.warehouse), key: keyPair.warehouse },
      pairs: match.pairs,
      sourceOnly: match.sourceOnly,
      dateIndexes: match.pairs.flatMap((p, i) => (['date', 'timestamp'].includes(p.source.type.kind) ? [i] : [])),
      keyIndex,
    });
  }
  if (problems.length) throw new SchemaError(problems.length === 1 ? problems[0] : problems.join('; '));
  return plans;
}

export function keyOf(row: Row, keyIndex: number): bigint {
  return BigInt(row[keyIndex] as string | number);
}

function fmt(name: { schema: string | null; name: string }): string {
  return name.schema ? `${name.schema}.${name.name}` : name.name;
}
