'use strict';
// The app both supervisors run: HTTP on 127.0.0.1:$PORT.
//   GET /              -> "ok", with headers X-Pid (this process's pid, so a poller can tell a restarted
//                         process) and X-Started (performance.timeOrigin: when this process started, epoch ms)
//   GET /burst?n=N     -> writes N log lines to stdout (see lines.js), then answers "ok"
const http = require('http');
const { performance } = require('perf_hooks');
const { writeLines } = require('./lines.js');

const port = parseInt(process.env.PORT || '0', 10);
const server = http.createServer((req, res) => {
  if (req.url.startsWith('/burst')) {
    const n = parseInt(new URL(req.url, 'http://x').searchParams.get('n') || '1000000', 10);
    writeLines(n);
  }
  res.writeHead(200, { 'Content-Type': 'text/plain', 'X-Pid': String(process.pid),
                       'X-Started': performance.timeOrigin.toFixed(1) });
  res.end('ok');
});
server.listen(port, '127.0.0.1');
