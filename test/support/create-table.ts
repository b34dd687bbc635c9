/**
 * What the create-table suites share, whichever warehouse they create tables in
 * (test/sync/create-table.test.ts for PostgreSQL and MariaDB, test/schema/db2-create-table.test.ts
 * for DB2): the rows of their `every` table and the outcomes the built CLI must report.
 */
import type { CliResult } from './databases';

/**
 * The columns of the PostgreSQL/MariaDB `every` table that are inserted (the generated ones are
 * not), each with its value in the row whose id is the largest BIGINT UNSIGNED and in row 2 (zeros
 * and empty values). Row 1 holds 0 in the NOT NULL column i and NULL everywhere else.
 */
export const EVERY_TYPE_VALUES: ReadonlyArray<readonly [column: string, extreme: unknown, zero: unknown]> = [
  ['id', '18446744073709551615', 2],
  ['ti', -128, 0],
  ['tiu', 255, 0],
  ['si', -32768, 0],
  ['siu', 65535, 0],
  ['mi', -8388608, 0],
  ['miu', 16777215, 0],
  ['i', -2147483648, 5],
  ['iu', 4294967295, 0],
  ['bi', '-9223372036854775808', '0'],
  ['biu', '18446744073709551615', '0'],
  ['d10', '-12345678.91', '0'],
  ['d31', '-12345678901234567890123456.12345', '0'],
  ['d34', '-123456789012345678901234567890.1234', '0'],
  ['d65', '12345678901234567890123456789012345.123456789012345678901234567891', '0'],
  ['f', 1.2345678, 0],
  ['dbl', -1.7976931348623157e308, 0],
  ['y', 2155, 1901],
  ['dd', '9999-12-31', '1000-01-01'],
  ['dt', '9999-12-31 23:59:59.999999', '1000-01-01 00:00:00'],
  ['dt0', '1000-01-01 00:00:00', '2000-02-29 12:00:00'],
  ['ts', '2038-01-19 03:14:07.999', '1970-01-01 00:00:01'],
  ['t0', '23:59:59', '00:00:00'],
  ['t6', '12:34:56.789012', '00:00:00.5'],
  ['c', 'ab', ''],
  ['vc', '😀 emoji é', ''],
  ['vbig', 'ü'.repeat(10000), ' '],
  ['tt', 'tiny', ''],
  ['tx', 'text\ttab', ''],
  ['mt', 'medium', ''],
  ['lt', 'long', ''],
  ['b', Buffer.from([0, 255, 1, 2]), Buffer.alloc(4)],
  ['vb', Buffer.from('deadbeef', 'hex'), Buffer.alloc(0)],
  ['tb', Buffer.from([0]), Buffer.alloc(0)],
  ['bl', Buffer.from([1, 2]), Buffer.alloc(0)],
  ['mb', Buffer.from([3]), Buffer.alloc(0)],
  ['lb', Buffer.from([4]), Buffer.alloc(0)],
  ['j', '{"b": 1, "a": [1, 2]}', '[]'],
  ['e', 'medium', 'small'],
  ['st', 'a,c', ''],
  ['bt1', Buffer.from([1]), Buffer.alloc(1)],
  ['bt12', Buffer.from([8, 1]), Buffer.alloc(2)],
  ['bt64', Buffer.from('ffffffffffffffff', 'hex'), Buffer.alloc(8)],
];

/** The inserted columns and the three rows (extreme, NULLs, zeros) of `values`, in that order. */
export function everyTypeRows(values: ReadonlyArray<readonly [string, unknown, unknown]>): {
  inserted: string[];
  rows: unknown[][];
} {
  const inserted = values.map(([column]) => column);
  return {
    inserted,
    rows: [
      values.map(([, extreme]) => extreme),
      [1, ...inserted.slice(1).map((c) => (c === 'i' ? 0 : null))],
      values.map(([, , zero]) => zero),
    ],
  };
}

/** `run --create-table` of the `every` table into an empty warehouse: created, all three rows loaded. */
export function expectEveryCreated(run: CliResult): void {
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  expect(JSON.parse(run.stdout).tables[0]).toMatchObject({
    createdTable: true,
    inserted: 3,
    newRows: 3,
    sourceOnlyColumns: [],
  });
}

/** `verify --json` of the `every` table after it was created and loaded: exit 0, in step. */
export function expectEveryInStep(verify: CliResult): void {
  expect(verify.code).toBe(0);
  expect(JSON.parse(verify.stdout).tables[0]).toMatchObject({
    sourceRows: 3,
    warehouseRows: 3,
    missing: 0,
    differing: [],
    inStep: true,
  });
}

/** A second `run --create-table --json` of the `every` table finds it: nothing created, nothing new. */
export function expectEveryFoundAgain(again: CliResult): void {
  expect(again.code).toBe(0);
  const report = JSON.parse(again.stdout).tables[0];
  expect(report.createdTable).toBeUndefined();
  expect(report).toMatchObject({ inserted: 0, newRows: 0 });
}

/** Two `run --create-table --json` of the 5,000-row `raced` table at once: both exit 0, one creates and loads. */
export function expectRacedOnce(runs: CliResult[]): void {
  for (const r of runs) expect([r.code, r.stderr]).toEqual([0, '']);
  const reports = runs.map((r) => JSON.parse(r.stdout).tables[0]);
  expect(reports.map((t) => t.inserted).sort((x: number, y: number) => x - y)).toEqual([0, 5000]);
  expect(reports.filter((t) => t.createdTable)).toHaveLength(1);
}

/** `run --add-columns` (text report) after staging gained `note` and row 3: the column added, one row loaded. */
export function expectNoteAdded(run: CliResult): void {
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  expect(run.stdout.split('\n')).toEqual([
    'Columns added to the warehouse table (rows loaded before hold NULL there): note',
    'Last row id on production datawarehouse = 2',
    'New rows on staging datawarehouse = 1',
    'New rows inserted into production datawarehouse = 1',
    '',
  ]);
}

/** `verify --json` of the `drift` table after `note` was added: exit 0, its three rows in step. */
export function expectDriftInStep(verify: CliResult): void {
  expect(verify.code).toBe(0);
  expect(JSON.parse(verify.stdout).tables[0]).toMatchObject({
    sourceRows: 3,
    warehouseRows: 3,
    differing: [],
    inStep: true,
  });
}

/** A refusal: exit 2, nothing on stdout, exactly one line on stderr, which is returned. */
export function refusedLine(result: CliResult): string {
  expect([result.code, result.stdout]).toEqual([2, '']);
  expect(result.stderr.split('\n').filter(Boolean)).toHaveLength(1);
  return result.stderr.trim();
}
