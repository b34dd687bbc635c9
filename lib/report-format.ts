/** Human-readable output: the course's three lines per table, plus what else happened. */
import type { SyncReport } from './sync-cycle';
import type { StatusReport } from './status';
import type { VerifyReport } from './verify';

export function formatRun(report: SyncReport): string {
  const lines: string[] = [];
  for (const t of report.tables) {
    const prefix = report.tables.length > 1 ? `[${t.table}] ` : '';
    if (t.skipped) {
      lines.push(`${prefix}Skipped: another run holds the writer lock of ${t.table}; nothing written`);
      continue;
    }
    if (t.createdTable) lines.push(`${prefix}Created warehouse table ${t.table}`);
    if (t.addedColumns?.length)
      lines.push(
        `${prefix}Columns added to the warehouse table (rows loaded before hold NULL there): ` +
          `${t.addedColumns.join(', ')}`,
      );
    lines.push(`${prefix}Last row id on production datawarehouse = ${t.watermarkBefore ?? 'none (empty table)'}`);
    // A failed run may not have counted them (the count needs the connection that failed): never
    // print fewer than it inserted.
    const newRows =
      t.error !== undefined && t.newRows < t.inserted
        ? `at least ${t.inserted} (not counted: the run failed)`
        : t.newRows;
    lines.push(`${prefix}New rows on staging datawarehouse = ${newRows}`);
    if (t.dryRun) {
      const repaired = t.repaired ? `; ${t.repaired} late rows below the watermark would be loaded` : '';
      lines.push(`${prefix}Dry run: nothing inserted${repaired}`);
      continue;
    }
    lines.push(`${prefix}New rows inserted into production datawarehouse = ${t.inserted}`);
    if (t.repaired) lines.push(`${prefix}Late rows found below the watermark and inserted = ${t.repaired}`);
    if (t.more) {
      lines.push(
        t.heldBack
          ? `${prefix}Stopped at row id ${t.watermarkAfter}: ${t.heldBack}`
          : `${prefix}Time budget reached: stopped at row id ${t.watermarkAfter}; run again to continue`,
      );
    }
    if (t.sourceOnlyColumns.length)
      lines.push(`${prefix}Source-only columns not loaded: ${t.sourceOnlyColumns.join(', ')}`);
  }
  return lines.join('\n');
}

export function formatStatus(report: StatusReport): string {
  return report.tables
    .map(
      (t) =>
        `${t.table}: warehouse watermark = ${t.watermark ?? 'none'}, source high key = ` +
        `${t.sourceHighKey ?? 'none'}, pending rows = ` +
        `${t.pending}${t.late ? `, late rows = ${t.late}` : ''}`,
    )
    .join('\n');
}

export function formatVerify(report: VerifyReport): string {
  const lines: string[] = [];
  for (const t of report.tables) {
    lines.push(`${t.table}: source rows = ${t.sourceRows}, warehouse rows = ${t.warehouseRows}`);
    if (t.missing)
      lines.push(
        `${t.table}: missing in warehouse = ${t.missing} (keys ` +
          `${t.missingRanges.join(', ')}${t.missingRangesTruncated ? ', …' : ''})`,
      );
    if (t.repaired) lines.push(`${t.table}: repaired (inserted) = ${t.repaired}`);
    if (t.repairSkipped) lines.push(`${t.table}: not repaired: ${t.repairSkipped}`);
    if (t.differing.length) {
      const count = t.differingCount ?? t.differing.length;
      lines.push(
        `${t.table}: rows that differ = ${count} (keys ` +
          `${t.differing.join(', ')}${count > t.differing.length ? ', …' : ''}); not overwritten`,
      );
    }
    if (t.extra) lines.push(`${t.table}: rows only in the warehouse = ${t.extra} (deleted in staging; not propagated)`);
    if (t.warehouseDuplicates) {
      const more = t.warehouseDuplicates > t.warehouseDuplicateKeys.length ? ', …' : '';
      lines.push(
        `${t.table}: doubled rows in warehouse = ${t.warehouseDuplicates} (keys ` +
          `${t.warehouseDuplicateKeys.join(', ')}${more})`,
      );
    }
    if (t.sourceDuplicates)
      lines.push(
        `${t.table}: doubled rows in source = ${t.sourceDuplicates} (keys ` +
          `${t.sourceDuplicateKeys.join(', ')}${t.sourceDuplicates > t.sourceDuplicateKeys.length ? ', …' : ''})`,
      );
    if (t.warehouseNullKeys) lines.push(`${t.table}: rows with a NULL key in warehouse = ${t.warehouseNullKeys}`);
    if (t.sourceNullKeys) lines.push(`${t.table}: rows with a NULL key in source = ${t.sourceNullKeys}`);
    lines.push(`${t.table}: ${t.inStep ? 'in step' : 'differences remain'}`);
  }
  return lines.join('\n');
}
