/** `--version` and `--help` on the built CLI, in its own process: exit 0, nothing connected. */
import { cliProcess } from '../support/databases';
import { version } from '../../package.json';

test('--version and -V print the package version and exit 0, without reading any option', async () => {
  for (const flag of ['--version', '-V']) {
    const r = await cliProcess([flag, '--source', 'not a url'], {});
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`warehouse-sync ${version}\n`);
    expect(r.stderr).toBe('');
  }
});

test('--help names every warehouse kind and the version flag', async () => {
  const r = await cliProcess(['--help'], {});
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('(IBM DB2, PostgreSQL or MySQL/MariaDB)');
  expect(r.stdout).toContain('-V, --version');
});
