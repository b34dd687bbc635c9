/**
 * dist/cli.js runs the bundle with V8's code cache (scripts/build.js, withCodeCache): one cache per
 * command, written by a run that had none, and a damaged cache is rejected and rewritten, never run.
 */
import { execFile } from 'child_process';
import fs from 'fs';
import path from 'path';
import { promisify } from 'util';
import { CLI_BUNDLE, ROOT } from '../support/databases';

const run = promisify(execFile);
const CACHE_DIR = path.join(ROOT, 'dist', '.v8-cache');
const helpCaches = () =>
  fs.existsSync(CACHE_DIR)
    ? fs.readdirSync(CACHE_DIR).filter((f) => /^cli-[0-9a-f]{16}-help-v[\d.]+-\w+\.v8$/.test(f))
    : [];

test('the first --help writes its cache, later ones read it, and a damaged cache is replaced, not run', async () => {
  for (const f of helpCaches()) fs.rmSync(path.join(CACHE_DIR, f));
  const first = await run(process.execPath, [CLI_BUNDLE, '--help']);
  expect(first.stdout).toMatch(/^warehouse-sync: keep a warehouse table/);
  const [cache] = helpCaches();
  expect(cache).toContain(`-help-${process.version}-${process.arch}.v8`);
  const written = fs.statSync(path.join(CACHE_DIR, cache));
  expect(written.size).toBeGreaterThan(10_000);

  const second = await run(process.execPath, [CLI_BUNDLE, '--help']);
  expect(second.stdout).toBe(first.stdout);
  expect(fs.statSync(path.join(CACHE_DIR, cache)).mtimeMs).toBe(written.mtimeMs);

  fs.writeFileSync(path.join(CACHE_DIR, cache), Buffer.alloc(written.size, 7));
  const damaged = await run(process.execPath, [CLI_BUNDLE, '--help']);
  expect(damaged.stdout).toBe(first.stdout);
  expect(fs.readFileSync(path.join(CACHE_DIR, cache)).equals(Buffer.alloc(written.size, 7))).toBe(false);
  expect(helpCaches()).toEqual([cache]);
});
