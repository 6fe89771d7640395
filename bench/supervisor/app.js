'use strict';
// The app both supervisors run: HTTP on 127.0.0.1:$PORT.
//   GET /              -> "ok" (header X-Pid: this process's pid, so a poller can tell a restarted process)
//   GET /burst?n=N     -> writes N log lines to stdout (see lines.js), then answers "ok"
const http = require('http');
const { writeLines } = require('./lines.js');

const port = parseInt(process.env.PORT || '0', 10);
const server = http.createServer((req, res) => {
  if (req.url.startsWith('/burst')) {
    const n = parseInt(new URL(req.url, 'http://x').searchParams.get('n') || '1000000', 10);
    writeLines(n);
  }
  res.writeHead(200, { 'Content-Type': 'text/plain', 'X-Pid': String(process.pid) });
  res.end('ok');
});
server.listen(port, '127.0.0.1');
