// A webhook receiver for the benches, in its own process: counts requests per path, records
// publish→callback latency when the body carries {"t": <ms>}, never answers on /hang, and answers every
// 10th request on /flaky… with a 500 (counted in `failed`, the others in `counts`).
import { createServer } from 'node:http';

let counts = {};
let failed = {};
let seen = 0;
let latencies = [];
let first = 0;
let last = 0;
const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const path = req.url.split('?')[0];
    if (path === '/stats')
      return res.end(
        JSON.stringify({ counts, failed, first, last, latencies: req.url.includes('latency') ? latencies : undefined }),
      );
    if (path === '/reset') {
      counts = {};
      failed = {};
      seen = 0;
      latencies = [];
      first = last = 0;
      return res.end('{}');
    }
    if (path.startsWith('/hang')) return; // never answers
    if (path.startsWith('/flaky') && ++seen % 10 === 0) {
      failed[path] = (failed[path] ?? 0) + 1;
      res.statusCode = 500;
      return res.end('flaky');
    }
    counts[path] = (counts[path] ?? 0) + 1;
    last = Date.now();
    first ||= last;
    if (chunks.length) {
      const body = Buffer.concat(chunks).toString();
      const m = /"t":\s*(\d+)/.exec(body);
      if (m) latencies.push(Date.now() - Number(m[1]));
    }
    res.end('ok');
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => process.send?.({ port: server.address().port }));
