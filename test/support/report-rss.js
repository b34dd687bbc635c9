// Preloaded into a CLI child process (`node -r`): prints the process's peak RSS on exit, so tests
// and the benchmark can read the client's memory high-water mark.
process.on('exit', () => {
  process.stderr.write(`peak-rss-bytes=${process.resourceUsage().maxRSS * 1024}\n`);
});
