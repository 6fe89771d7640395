'use strict';
// Writes N numbered lines of 100 bytes (99 + "\n") to stdout, one write per line as an app's
// logging does, then a last line with its own timing:
//   wrote <N> lines in <ms> ms start=<epoch ms>
// start= is the wall-clock time (ms, fractional) just before the first line, so a reader of the
// log file can tell how long the last line took to land there.
// rss_mb= is the process's RSS right after the loop: Node queues writes to a pipe in memory when
// the pipe is full (stdout is a blocking write only for files), so a slow reader shows up here.
// Run directly: BENCH_LINES (default 1000000); BENCH_EXIT=1 lets it end once everything is
// written, otherwise it stays alive (idle) so a supervisor does not restart it and write it all again.
const { performance } = require('perf_hooks');

const PAD = 'x'.repeat(91);

function writeLines(n, out) {
  out = out || process.stdout;
  const t0 = performance.now();
  const start = performance.timeOrigin + t0;
  for (let i = 0; i < n; i++) {
    out.write(String(i).padStart(7, '0') + ' ' + PAD + '\n');
  }
  const ms = performance.now() - t0;
  const rssMb = (process.memoryUsage().rss / 1048576).toFixed(1);
  out.write(`wrote ${n} lines in ${ms.toFixed(1)} ms start=${start.toFixed(1)} rss_mb=${rssMb}\n`);
  return ms;
}

module.exports = { writeLines };

if (require.main === module || process.env.pm_exec_path === __filename) {
  const n = parseInt(process.env.BENCH_LINES || '1000000', 10);
  writeLines(n);
  // Never process.exit(): writes queued for a pipe would be lost.
  if (process.env.BENCH_EXIT !== '1') setInterval(() => {}, 1 << 30);
}
