/**
 * Times one shell command line and the peak resident memory of each client process in it.
 * Every contender runs the same way, through `sh -c`, each client process wrapped in GNU time
 * (`/usr/bin/time -f %M`, the kernel's own max-RSS accounting at exit, so nothing is missed between
 * samples). A pipeline's clients run at the same time, so its peak is the sum of theirs.
 */
import { spawn } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';

export interface Measurement {
  seconds: number;
  /** Sum of the clients' peak RSS, in MiB. */
  peakRssMiB: number;
  stdout: string;
}

const TIME = '/usr/bin/time';
let counter = 0;

export function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_./:@=,+-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** One client process of a command line, wrapped so that its peak RSS lands in `rssFile`. */
export function timed(argv: string[], rssFile: string): string {
  return [TIME, '-f', '%M', '-o', rssFile, ...argv].map(shellQuote).join(' ');
}

/**
 * Runs `build(wrap)` as a shell command line; `wrap(argv)` wraps one client process. Rejects when
 * the line fails (pipefail: any client failing fails the run).
 */
export async function measure(
  build: (wrap: (argv: string[]) => string) => string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Measurement> {
  const files: string[] = [];
  const wrap = (argv: string[]) => {
    const file = path.join(os.tmpdir(), `bench-rss-${process.pid}-${counter++}.tmp`);
    files.push(file);
    return timed(argv, file);
  };
  const line = build(wrap);
  const started = performance.now();
  const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>(
    (resolve, reject) => {
      const child = spawn('bash', ['-o', 'pipefail', '-c', line], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on('data', (b: Buffer) => out.push(b));
      child.stderr.on('data', (b: Buffer) => err.push(b));
      child.on('error', reject);
      child.on('close', (c) =>
        resolve({ code: c, stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() }),
      );
    },
  );
  const seconds = (performance.now() - started) / 1000;
  let kib = 0;
  for (const file of files) {
    const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
    fs.rmSync(file, { force: true });
    // GNU time writes "Command exited with non-zero status N" before the figure when a client fails.
    const figure = text.trim().split('\n').pop() ?? '';
    if (/^\d+$/.test(figure)) kib += Number(figure);
  }
  if (code !== 0) throw new Error(`command failed (exit ${code}): ${line}\n${stderr.trim()}`);
  return { seconds, peakRssMiB: kib / 1024, stdout };
}
