/** A progress bar on stderr, drawn only for a terminal and only once a run has lasted a moment. */
export class ProgressBar {
  private readonly started = Date.now();
  private lastDraw = 0;
  private drawn = false;

  constructor(
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly delayMs = 500,
  ) {}

  /** `fraction`: how far through the run's key range (0..1); rows are counted as loaded. */
  update(table: string, rowsLoaded: number, fraction: number): void {
    const now = Date.now();
    if (now - this.started < this.delayMs || now - this.lastDraw < 100) return;
    this.lastDraw = now;
    this.drawn = true;
    const width = 30;
    const done = Math.max(0, Math.min(1, fraction));
    const filled = Math.round(done * width);
    const elapsed = Math.max(1, now - this.started);
    const rate = Math.round((rowsLoaded * 1000) / elapsed);
    const eta = done > 0 ? Math.ceil(((1 - done) * elapsed) / done / 1000) : 0;
    this.stream.write(
      `\r${table} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(done * 100).toFixed(0).padStart(3)}% ` +
        `${rowsLoaded} rows, ${rate} rows/s, ${eta}s left `,
    );
  }

  finish(): void {
    if (this.drawn) this.stream.write('\n');
  }
}
