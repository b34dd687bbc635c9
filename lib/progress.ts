/** A progress bar on stderr, drawn only for a terminal and only once a run has lasted a moment. */
export class ProgressBar {
  private readonly started = Date.now();
  private lastDraw = 0;
  private drawn = false;

  constructor(private readonly stream: NodeJS.WriteStream = process.stderr, private readonly delayMs = 500) {}

  update(table: string, done: number, total: number): void {
    const now = Date.now();
    if (now - this.started < this.delayMs || now - this.lastDraw < 100) return;
    this.lastDraw = now;
    this.drawn = true;
    const width = 30;
    const fraction = total > 0 ? Math.min(1, done / total) : 1;
    const filled = Math.round(fraction * width);
    const rate = Math.round((done * 1000) / Math.max(1, now - this.started));
    const eta = rate > 0 ? Math.ceil((total - done) / rate) : 0;
    this.stream.write(
      `\r${table} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(fraction * 100).toFixed(0).padStart(3)}% ` +
        `${done}/${total} rows, ${rate} rows/s, ${eta}s left `,
    );
  }

  finish(): void {
    if (this.drawn) this.stream.write('\n');
  }
}
