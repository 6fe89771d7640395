'use strict';
// The app of bench/proxy: HTTP on 127.0.0.1:$PORT, listening only after BENCH_START_DELAY_MS
// (default 1000) so that a restart has a real window in which nothing listens.
//   GET /  -> 200 "ok" (or "version=<VERSION file>" when a VERSION file sits next to this script),
//             with headers X-Pid and X-Started (performance.timeOrigin, epoch ms)
const fs = require('fs');
const path = require('path');
const http = require('http');
const { performance } = require('perf_hooks');

const port = parseInt(process.env.PORT || '0', 10);
const delay = parseInt(process.env.BENCH_START_DELAY_MS || '1000', 10);
let body = 'ok';
try {
  body = 'version=' + fs.readFileSync(path.join(__dirname, 'VERSION'), 'utf8').trim();
} catch (e) { /* no VERSION file: "ok" */ }
const headers = { 'Content-Type': 'text/plain', 'X-Pid': String(process.pid),
                  'X-Started': performance.timeOrigin.toFixed(1) };
const server = http.createServer((req, res) => {
  res.writeHead(200, headers);
  res.end(body);
});
server.keepAliveTimeout = 65000;
setTimeout(() => server.listen(port, '127.0.0.1'), delay);
