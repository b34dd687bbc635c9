/**
 * `npm run demo [-- --reset]`: the course's job on local defaults. Makes sure the course data is in
 * MySQL (`sales`) and PostgreSQL (`warehouse`), then runs one sync with the CLI.
 *   first run:  12289 / 1650 / 1650      second run:  13939 / 0 / 0
 */
import { spawnSync } from 'child_process';
import path from 'path';
import { loadStaging, loadWarehouse } from './course-data';

const MYSQL = process.env.DEMO_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/mysql';
const POSTGRES = process.env.DEMO_POSTGRES_URL ?? 'postgres://root@127.0.0.1:5432/postgres';

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const reset = args.includes('--reset');
  const loadedStaging = await loadStaging(MYSQL, 'sales', { reset });
  const loadedWarehouse = await loadWarehouse(POSTGRES, 'warehouse', { reset });
  if (loadedStaging) console.error('demo: loaded data/seed/sales.sql into MySQL database sales (13836 rows)');
  if (loadedWarehouse)
    console.error('demo: loaded data/seed/sales.csv into PostgreSQL database warehouse (12186 rows)');
  const cli = path.join(__dirname, '..', 'bin', 'warehouse-sync.js');
  const run = spawnSync(process.execPath, [cli, 'run', ...args.filter((a) => a !== '--reset')], { stdio: 'inherit' });
  return run.status ?? 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    console.error(
      `demo: ${error instanceof Error ? error.message : error} (are the databases running? ` +
        `try: bash scripts/ensure-databases.sh)`,
    );
    process.exitCode = 2;
  },
);
