/**
 * Turns the timed runs into the results table: medians, ratios to the limit measured in the same
 * rounds, spread, peak RSS. Renders it for the terminal, as Markdown, and as a small SVG chart.
 */

export interface Run {
  seconds: number;
  peakRssMiB: number;
}

export interface Line {
  scenario: ScenarioName;
  contender: string;
  /** Rows the scenario loads (for a capped contender: the rows its time is extrapolated to). */
  rows: number;
  runs: Run[];
  /** Rows actually loaded per run, when fewer than `rows` (capped baseline): times are scaled up. */
  measuredRows?: number;
  isLimit?: boolean;
  /** The limit pipeline that reads its own watermark (incremental and nothing-new): a second yardstick. */
  isWatermarkLimit?: boolean;
  note?: string;
}

export type ScenarioName = 'full' | 'incremental' | 'nothing-new';

export const SCENARIOS: Record<ScenarioName, { title: string; target: number | null; targetText: string }> = {
  full: { title: 'Full load', target: 1.1, targetText: '≤ 1.10× the limit' },
  incremental: { title: 'Incremental 10,000 rows', target: 1.3, targetText: '≤ 1.30× the limit' },
  'nothing-new': { title: 'Nothing new', target: 1.1, targetText: "≤ 1.10× the limit's fixed cost" },
};

export interface Summary {
  line: Line;
  /** Median wall time, extrapolated to `rows` for a capped contender. */
  seconds: number;
  minSeconds: number;
  maxSeconds: number;
  rowsPerSecond: number | null;
  /** Median of this contender's time over the limit's median, same scenario. */
  ratio: number | null;
  /** Range of the per-round ratios (each run against the limit's run in the same round). */
  ratioRange: [number, number] | null;
  rssMedian: number;
  rssMax: number;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function summarise(lines: Line[]): Summary[] {
  return lines.map((line) => {
    const scale = line.measuredRows ? line.rows / line.measuredRows : 1;
    const times = line.runs.map((r) => r.seconds * scale);
    const limit = lines.find((l) => l.scenario === line.scenario && l.isLimit);
    const limitTimes = limit?.runs.map((r) => r.seconds) ?? [];
    const seconds = median(times);
    const ratio = limit && !line.isLimit ? seconds / median(limitTimes) : null;
    const paired = limit && !line.isLimit ? times.slice(0, limitTimes.length).map((t, i) => t / limitTimes[i]) : [];
    const rss = line.runs.map((r) => r.peakRssMiB);
    return {
      line,
      seconds,
      minSeconds: Math.min(...times),
      maxSeconds: Math.max(...times),
      rowsPerSecond: line.rows > 0 ? line.rows / seconds : null,
      ratio,
      ratioRange: paired.length ? [Math.min(...paired), Math.max(...paired)] : null,
      rssMedian: median(rss),
      rssMax: Math.max(...rss),
    };
  });
}

export interface Context {
  date: string;
  machine: string;
  versions: string;
  command: string;
  rows: number;
  runs: number;
  notes: string[];
  /** File name of the SVG chart, beside the Markdown. */
  chart: string;
}

export interface MemoryResult {
  rows: number;
  runs: Run[];
}

const fmtInt = (n: number) => Math.round(n).toLocaleString('en');
const fmtTime = (s: number) =>
  s >= 10 ? `${s.toFixed(1)} s` : s >= 1 ? `${s.toFixed(2)} s` : `${(s * 1000).toFixed(0)} ms`;
const fmtRatio = (r: number) => (r >= 10 ? `${r.toFixed(0)}×` : `${r.toFixed(2)}×`);
const fmtMiB = (m: number) => `${m.toFixed(0)} MB`;

function cells(s: Summary): string[] {
  const spread = s.line.runs.length > 1 ? ` (${fmtTime(s.minSeconds)}–${fmtTime(s.maxSeconds)})` : '';
  const ratio = s.line.isLimit
    ? '1 (limit)'
    : s.ratio === null
      ? '–'
      : fmtRatio(s.ratio) + (s.ratioRange ? ` (${fmtRatio(s.ratioRange[0])}–${fmtRatio(s.ratioRange[1])})` : '');
  return [
    SCENARIOS[s.line.scenario].title,
    s.line.contender + (s.line.note ? ` ${s.line.note}` : ''),
    fmtInt(s.line.rows),
    fmtTime(s.seconds) + spread,
    s.rowsPerSecond === null ? '–' : fmtInt(s.rowsPerSecond),
    ratio,
    fmtMiB(s.rssMedian) + (s.rssMax - s.rssMedian >= 1 ? ` (max ${fmtMiB(s.rssMax)})` : ''),
  ];
}

const HEADER = [
  'Scenario',
  'Contender',
  'Rows',
  'Median time (min–max)',
  'Rows/s',
  'Ratio to limit (per-round range)',
  'Client peak RSS',
];

export function terminalTable(summaries: Summary[]): string {
  const rows = [HEADER, ...summaries.map(cells)];
  const widths = HEADER.map((_, i) => Math.max(...rows.map((r) => [...r[i]].length)));
  return rows
    .map((r, k) => {
      const line = r.map((c, i) => c + ' '.repeat(widths[i] - [...c].length)).join('  ');
      return k === 0 ? `${line}\n${widths.map((w) => '-'.repeat(w)).join('  ')}` : line;
    })
    .join('\n');
}

export function verdicts(summaries: Summary[], memory: MemoryResult[] | null): string[] {
  const out: string[] = [];
  for (const name of Object.keys(SCENARIOS) as ScenarioName[]) {
    const cli = summaries.find((s) => s.line.scenario === name && s.line.contender === CLI_NAME);
    const target = SCENARIOS[name].target;
    if (!cli || cli.ratio === null || target === null) continue;
    const met = cli.ratio <= target;
    out.push(
      `${SCENARIOS[name].title}: ${fmtRatio(cli.ratio)} (target ` +
        `${SCENARIOS[name].targetText}): ${met ? 'met' : 'NOT met'}`,
    );
    const reading = summaries.find((s) => s.line.scenario === name && s.line.isWatermarkLimit);
    if (reading) {
      const ratio = cli.seconds / reading.seconds;
      out.push(
        `${SCENARIOS[name].title}, against the limit that reads its own watermark ` +
          `(${fmtTime(reading.seconds)}): ${fmtRatio(ratio)} ` +
          `(same target): ${ratio <= target ? 'met' : 'NOT met'}`,
      );
    }
  }
  const cliRss = summaries.filter((s) => s.line.contender === CLI_NAME).map((s) => s.rssMax);
  if (cliRss.length) {
    const peak = Math.max(...cliRss);
    out.push(
      `Client peak RSS, CLI, all scenarios: ${fmtMiB(peak)} (target ≤ 100 MB): ` + `${peak <= 100 ? 'met' : 'NOT met'}`,
    );
  }
  if (memory && memory.length === 2) {
    const [a, b] = memory.map((m) => median(m.runs.map((r) => r.peakRssMiB)));
    const change = (b - a) / a;
    out.push(
      `Peak RSS at ${fmtInt(memory[0].rows)} vs ${fmtInt(memory[1].rows)} rows: ${fmtMiB(a)} ` +
        `vs ${fmtMiB(b)} (${change >= 0 ? '+' : ''}${(change * 100).toFixed(1)}%, target ` +
        `within 10%): ${Math.abs(change) <= 0.1 && Math.max(a, b) <= 100 ? 'met' : 'NOT met'}`,
    );
  }
  return out;
}

export const CLI_NAME = 'warehouse-sync CLI';
export const WATERMARK_LIMIT_NAME = 'bulk-copy limit reading the watermark (psql max(rowid); mariadb | psql \\copy)';

/**
 * `db2`: the DB2 driver table (bench/db2-driver.ts) as Markdown lines, `db2Verdicts` its target
 * lines; empty when not measured.
 */
export function markdown(
  summaries: Summary[],
  context: Context,
  memory: MemoryResult[] | null,
  extra: string[],
  db2: string[] = [],
  db2Verdicts: string[] = [],
): string {
  const esc = (c: string) => c.replace(/\|/g, '\\|');
  const table = [
    `| ${HEADER.join(' | ')} |`,
    `| ${HEADER.map((_, i) => (i >= 2 && i !== 1 ? '---:' : '---')).join(' | ')} |`,
    ...summaries.map((s) => `| ${cells(s).map(esc).join(' | ')} |`),
  ].join('\n');
  const memoryTable = memory
    ? [
        '',
        '## Memory: CLI full load at two sizes',
        '',
        '| Rows | Median time | Rows/s | Client peak RSS, median (min–max) |',
        '| ---: | ---: | ---: | ---: |',
        ...memory.map((m) => {
          const t = median(m.runs.map((r) => r.seconds));
          const rss = m.runs.map((r) => r.peakRssMiB);
          return (
            `| ${fmtInt(m.rows)} | ${fmtTime(t)} | ${fmtInt(m.rows / t)} | ${fmtMiB(median(rss))} ` +
            `(${fmtMiB(Math.min(...rss))}–${fmtMiB(Math.max(...rss))}) |`
          );
        }),
      ].join('\n')
    : '';
  return [
    `# warehouse-sync benchmark, ${context.date}`,
    '',
    `${fmtInt(context.rows)} rows of the course's shape (MariaDB \`bench_source\` → PostgreSQL \`bench_warehouse\`), ` +
      `median of ${context.runs} interleaved rounds; every ratio is against the bulk-copy ` +
      `limit measured in the same rounds.`,
    '',
    `- Machine: ${context.machine}`,
    `- Versions: ${context.versions}`,
    `- Command: \`${context.command}\``,
    '',
    table,
    memoryTable,
    ...(db2.length
      ? ['', '## DB2 through the real ibm_db and the stand-in libdb2.so.1 (client side only)', '', ...db2]
      : []),
    '',
    '## Targets',
    '',
    ...[...verdicts(summaries, memory), ...db2Verdicts].map((v) => `- ${v}`),
    '',
    ...(extra.length ? ['## Also measured', '', ...extra.map((e) => `- ${e}`), ''] : []),
    '## Notes',
    '',
    ...context.notes.map((n) => `- ${n}`),
    '',
    `![ratios to the limit](${context.chart})`,
    '',
  ].join('\n');
}

/** Horizontal bars of each contender's ratio to the limit, log scale, with each scenario's target. */
export function svgChart(summaries: Summary[], title: string): string {
  const groups = (Object.keys(SCENARIOS) as ScenarioName[])
    .map((name) => ({ name, bars: summaries.filter((s) => s.line.scenario === name && s.ratio !== null) }))
    .filter((g) => g.bars.length > 0);
  const maxRatio = Math.max(2, ...summaries.map((s) => s.ratio ?? 1));
  const ticks = [1, 1.5, 2, 5, 10, 20, 50, 100, 200, 500].filter((t) => t <= maxRatio * 1.2);
  // Labels are drawn right-aligned before the bars: room for the longest (≈ 6.6 px per character at 12 px).
  const left = Math.ceil(16 + 6.6 * Math.max(...groups.flatMap((g) => g.bars.map((b) => b.line.contender.length))));
  const plot = 400;
  const width = left + plot + 60;
  const barH = 16;
  const x = (r: number) => left + (Math.log10(Math.max(1, r)) / Math.log10(Math.max(...ticks, maxRatio))) * plot;
  const parts: string[] = [];
  let y = 58;
  for (const g of groups) {
    parts.push(`<text x="8" y="${y + 12}" font-weight="bold">${escapeXml(SCENARIOS[g.name].title)}</text>`);
    y += 20;
    const target = SCENARIOS[g.name].target;
    const top = y;
    for (const bar of g.bars) {
      const ratio = bar.ratio!;
      const met = target !== null && bar.line.contender === CLI_NAME ? ratio <= target : null;
      const fill = bar.line.contender === CLI_NAME ? (met ? '#2e7d32' : '#c62828') : '#90a4ae';
      parts.push(`<text x="${left - 6}" y="${y + 12}" text-anchor="end">${escapeXml(bar.line.contender)}</text>`);
      parts.push(
        `<rect x="${left}" y="${y}" width="${Math.max(1, x(ratio) - left).toFixed(1)}" ` +
          `height="${barH}" fill="${fill}"/>`,
      );
      parts.push(`<text x="${(x(ratio) + 4).toFixed(1)}" y="${y + 12}">${fmtRatio(ratio)}</text>`);
      y += barH + 4;
    }
    if (target !== null) {
      parts.push(
        `<line x1="${x(target).toFixed(1)}" y1="${top - 3}" x2="${x(target).toFixed(1)}" ` +
          `y2="${y}" stroke="#000" stroke-dasharray="3,2"/>`,
      );
      parts.push(
        `<text x="${(x(target) + 3).toFixed(1)}" y="${top - 5}" font-size="10">target ` + `${fmtRatio(target)}</text>`,
      );
    }
    y += 14;
  }
  const axisY = y;
  for (const t of ticks) {
    parts.push(`<line x1="${x(t).toFixed(1)}" y1="48" x2="${x(t).toFixed(1)}" y2="${axisY}" stroke="#ddd"/>`);
    parts.push(`<text x="${x(t).toFixed(1)}" y="${axisY + 14}" text-anchor="middle" font-size="10">${t}×</text>`);
  }
  const height = axisY + 34;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" ` +
      `viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="8" y="20" font-size="14" font-weight="bold">${escapeXml(title)}</text>`,
    `<text x="8" y="36" font-size="10">time ÷ the limit's time in the same rounds ` +
      `(median), log scale; lower is better; dashed: the target</text>`,
    // grid first so that bars draw over it
    ...parts.filter((p) => p.includes('stroke="#ddd"')),
    ...parts.filter((p) => !p.includes('stroke="#ddd"')),
    `<text x="${left + plot / 2}" y="${height - 6}" text-anchor="middle" ` +
      `font-size="10">green: target met · red: not met · grey: other contenders</text>`,
    '</svg>',
    '',
  ].join('\n');
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
