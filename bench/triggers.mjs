// bench:triggers — cost of matching one event as the number of webhooks grows (docs/architecture.md §2: flat from
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

// Sub-organizations: GLOBAL_PRODUCT_* webhooks are keyed by template without the org. Cost of a device event
// (with a templateId) when 1,000 such webhooks exist (one on this template, in the device org's parent), vs
// none; medians of 5 rounds, with the spread.
const parentOf = new Map([[2, 1]]);
const within = (org, ancestor) => org === ancestor || parentOf.get(org) === ancestor;
function buildGlobal(globals) {
  const index = new TriggerIndex(within);
  for (let i = 0; i < 10; i++)
    index.set(i + 1, {
      id: i + 1,
      orgId: 2,
      status: 'ENABLED',
      trigger: 'DEVICE_DATASTREAM_UPDATE',
      dataTrigger: { deviceId: `d${i}`, dataStream: 'temp' },
    });
  for (let g = 0; g < globals; g++)
    index.set(100 + g, {
      id: 100 + g,
      orgId: 1,
      status: 'ENABLED',
      trigger: 'GLOBAL_PRODUCT_DATASTREAM_UPDATE',
      dataTrigger: { templateId: g === 0 ? 'T' : `T${g}`, dataStream: 'temp' },
    });
  return index;
}
function nsTemplated(index, expected) {
  const rounds = 1_000_000;
  let found = 0;
  for (let i = 0; i < 100_000; i++) index.lookup(2, 'datastream.update', 'temp', `d${i % 10}`, 'T');
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < rounds; i++) found += index.lookup(2, 'datastream.update', 'temp', `d${i % 10}`, 'T').length;
  if (found !== rounds * expected) throw new Error('unexpected match count');
  return Number(process.hrtime.bigint() - t0) / rounds;
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const none = [];
const some = [];
for (let r = 0; r < 5; r++) {
  none.push(nsTemplated(buildGlobal(0), 1));
  some.push(nsTemplated(buildGlobal(1000), 2));
}
const spread = (xs) => `${Math.min(...xs).toFixed(0)}-${Math.max(...xs).toFixed(0)}`;
console.log(
  `global product match: no GLOBAL_PRODUCT webhooks ${median(none).toFixed(0)} ns/event (${spread(none)}), ` +
    `1,000 of them (one matching, from the parent org) ${median(some).toFixed(0)} ns/event (${spread(some)}), ` +
    `ratio ${(median(some) / median(none)).toFixed(2)}x`,
);
