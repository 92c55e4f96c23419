// bench:triggers — cost of matching one event as the number of webhooks grows (ARCHITECTURE §2: flat from
// 10 to 10,000). Each webhook watches its own device's datastream; events go to one device.
import { TriggerIndex } from '../dist/triggers/trigger-index.js';

function build(n) {
  const index = new TriggerIndex();
  for (let i = 0; i < n; i++) {
    index.set(i + 1, {
      id: i + 1,
      orgId: 1,
      status: 'ENABLED',
      trigger: 'DEVICE_DATASTREAM_UPDATE',
      dataTrigger: { deviceId: `d${i}`, dataStream: 'temp' },
    });
  }
  return index;
}

function nsPerLookup(index, n) {
  const rounds = 2_000_000;
  const ids = Array.from({ length: n }, (_, i) => `d${i}`);
  let found = 0;
  for (let i = 0; i < 100_000; i++) index.lookup(1, 'datastream.update', 'temp', ids[i % n], null); // warm-up
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < rounds; i++) found += index.lookup(1, 'datastream.update', 'temp', ids[i % n], null).length;
  const ns = Number(process.hrtime.bigint() - t0) / rounds;
  if (found !== rounds) throw new Error('every event should match exactly one webhook');
  return ns;
}

const base = nsPerLookup(build(10), 10);
const big = nsPerLookup(build(10_000), 10_000);
console.log(
  `trigger match: 10 webhooks ${base.toFixed(0)} ns/event, 10,000 webhooks ${big.toFixed(0)} ns/event, ratio ${(big / base).toFixed(2)}x`,
);
