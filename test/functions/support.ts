/** Shared by the function tests: the course data in this suite's own databases, bundles, captured stdout. */
import path from 'path';
import mysql from 'mysql2/promise';
import { Client } from 'pg';
import { loadStaging, loadWarehouse } from '../../scripts/course-data';

export const ROOT = path.join(__dirname, '..', '..');
export const OSLS = path.join(ROOT, 'node_modules', 'osls', 'bin', 'serverless.js');
export const SOURCE_DB = 'test_fn_sales';
export const WAREHOUSE_DB = 'test_fn_warehouse';
export const SOURCE_URL = `mysql://root@127.0.0.1:3306/${SOURCE_DB}`;
export const WAREHOUSE_URL = `postgres://root@127.0.0.1:5432/${WAREHOUSE_DB}`;

/** Staging with all 13,836 course rows; the warehouse with the course's rows up to 12289. */
export async function resetCourseData(): Promise<void> {
  await loadStaging('mysql://root@127.0.0.1:3306', SOURCE_DB, { reset: true });
  await loadWarehouse('postgres://root@127.0.0.1:5432/postgres', WAREHOUSE_DB, { reset: true });
}

export async function sourceKeys(): Promise<number[]> {
  const conn = await mysql.createConnection({ uri: SOURCE_URL });
  try {
    const [rows] = await conn.query('SELECT rowid FROM sales_data ORDER BY rowid');
    return (rows as Array<{ rowid: number }>).map((r) => Number(r.rowid));
  } finally {
    await conn.end();
  }
}

/** Every warehouse key, duplicates included, in order. */
export async function warehouseKeys(): Promise<number[]> {
  const client = new Client({ connectionString: WAREHOUSE_URL });
  await client.connect();
  try {
    const result = await client.query<{ rowid: number }>('SELECT rowid FROM sales_data ORDER BY rowid');
    return result.rows.map((r) => Number(r.rowid));
  } finally {
    await client.end();
  }
}

interface BuildModule {
  build(options: { only?: string[]; quiet?: boolean }): Record<string, number>;
}

/** Rebuilds the named bundles from the current sources (as `npm run build` does). */
export function buildBundles(only: string[]): Record<string, number> {
  const { build } = require(path.join(ROOT, 'scripts', 'build.js')) as BuildModule;
  return build({ only, quiet: true });
}

/** Collects what is written to process.stdout while `work` runs (the structured log and EMF lines). */
export class StdoutCapture {
  readonly lines: string[] = [];
  private spy: jest.SpyInstance | undefined;

  start(): this {
    this.lines.length = 0;
    this.spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      this.lines.push(
        ...String(chunk)
          .split('\n')
          .filter((l) => l !== ''),
      );
      return true;
    });
    return this;
  }

  stop(): void {
    this.spy?.mockRestore();
    this.spy = undefined;
  }

  get text(): string {
    return this.lines.join('\n');
  }

  /** Lines that parse as JSON objects. */
  json(): Array<Record<string, unknown>> {
    return this.lines.flatMap((l) => {
      try {
        const v: unknown = JSON.parse(l);
        return typeof v === 'object' && v !== null ? [v as Record<string, unknown>] : [];
      } catch {
        return [];
      }
    });
  }
}

/** Runs `work` with the given environment variables set (undefined = unset), then restores them. */
export async function withEnv<T>(vars: Record<string, string | undefined>, work: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  const apply = (values: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(values)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  apply(vars);
  try {
    return await work();
  } finally {
    apply(saved);
  }
}

/** An environment in which any attempt to reach AWS fails: no credentials anywhere, no instance metadata. */
export function offlineEnv(home: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: home,
    AWS_CONFIG_FILE: path.join(home, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(home, 'no-aws-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    // Harmless where unknown: upstream Serverless Framework's telemetry and notification switches.
    SLS_TELEMETRY_DISABLED: '1',
    SLS_NOTIFICATIONS_MODE: 'off',
    SLS_DEPRECATION_DISABLE: '*',
    CI: '1',
    ...extra,
  };
}
