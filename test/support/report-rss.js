// Preloaded into a CLI child process (`node -r`): prints the process's peak RSS on exit, so tests
// and the benchmark can read the client's memory high-water mark.
//
// VmHWM of /proc/self/status, not resourceUsage().maxRSS: Linux carries ru_maxrss across execve from
// the forked copy of the parent, so a child of a large Jest process reported the parent's RSS
// (114 MB for a run that peaks at 74). VmHWM belongs to the address space exec made.
const fs = require('fs');

process.on('exit', () => {
  let kb = null;
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(fs.readFileSync('/proc/self/status', 'utf8'));
    if (m) kb = Number(m[1]);
  } catch {
    // not Linux: fall back below
  }
  if (kb === null) kb = process.resourceUsage().maxRSS;
  process.stderr.write(`peak-rss-bytes=${kb * 1024}\n`);
});
