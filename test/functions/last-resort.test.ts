/**
 * The entry points' last resort (lib/last-resort.ts), on its own: no known defect reaches it (the
 * built-artifact tests in bad-input-processes.test.ts match each refusal's own first words, which
 * the last resort would prefix with "unexpected error:"), so it is proven here with a stray error
 * made on purpose, in processes of their own.
 */
import { execFile } from 'child_process';
import path from 'path';
import { promisify } from 'util';
import { UnexpectedError } from '../../lib/last-resort';

const run = promisify(execFile);
const ROOT = path.join(__dirname, '..', '..');

test(
  'a rejection nobody handles while the work runs ends it as an UnexpectedError; the ' +
    "platform's listeners are put back",
  async () => {
    // In a process of its own: Jest handles unhandled rejections itself.
    const script = `
    const { withLastResort } = require('./lib/last-resort.ts');
    const { ConnectionError } = require('./lib/errors.ts');
    const platform = () => console.log('platform listener ran');
    process.on('unhandledRejection', platform);
    withLastResort(async () => {
      void Promise.reject(new ConnectionError('warehouse went away'));
      await new Promise((resolve) => setTimeout(resolve, 1000));
      return 'finished';
    }).then(
      (v) => console.log('resolved', v),
      (e) => console.log(JSON.stringify({ name: e.name, exitCode: e.exitCode, message: e.message, restored: process.listeners('unhandledRejection').includes(platform) })),
    );
  `;
    const { stdout } = await run(process.execPath, ['-r', './scripts/register-ts.js', '-e', script], {
      cwd: ROOT,
      env: { PATH: process.env.PATH },
    });
    expect(JSON.parse(stdout)).toEqual({
      name: 'UnexpectedError',
      exitCode: 2,
      message: 'unexpected error: warehouse went away',
      restored: true,
    });
    expect(new UnexpectedError(new TypeError('x is undefined')).exitCode).toBe(1);
  },
);

test('dist/cli.js: a stray rejection is one redacted line and exit 1, not a stack of bundle source', async () => {
  // The bundle runs as the CLI would; a preloaded module leaves a rejection nobody handles.
  const script = `
    process.argv = [process.argv[0], 'dist/cli.js', 'status', '--json', '--source', 'mysql://root:Str4yPw9@127.0.0.1:1/x'];
    setTimeout(() => Promise.reject(new Error('socket closed for mysql://root:Str4yPw9@127.0.0.1:1/x')), 0);
    require(${JSON.stringify(path.join(ROOT, 'dist', 'cli-bundle.js'))}).main();
  `;
  const result = await run(process.execPath, ['-e', script], { cwd: ROOT, env: { PATH: process.env.PATH } }).catch(
    (e: { code: number; stdout: string; stderr: string }) => e,
  );
  expect((result as { code?: number }).code).toBe(1);
  expect(result.stderr).toBe('warehouse-sync: unexpected error: socket closed for mysql://root:***@127.0.0.1:1/x\n');
  expect(JSON.parse(result.stdout.split('\n')[0])).toEqual({
    ok: false,
    tables: [],
    error: 'unexpected error: socket closed for mysql://root:***@127.0.0.1:1/x',
  });
});
