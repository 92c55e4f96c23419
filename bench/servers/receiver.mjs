// A webhook receiver for the dispatch bench, in its own process: counts requests per path, records
// publish→callback latency when the body carries {"t": <ms>}, and never answers on /hang.
import { createServer } from 'node:http';

let counts = {};
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
        JSON.stringify({ counts, first, last, latencies: req.url.includes('latency') ? latencies : undefined }),
      );
    if (path === '/reset') {
      counts = {};
      latencies = [];
      first = last = 0;
      return res.end('{}');
    }
    if (path.startsWith('/hang')) return; // never answers
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
