import type { Webhook } from '../webhooks/webhook.model.js';
import { TriggerIndex } from './trigger-index.js';

let nextId = 1;
const hook = (over: Partial<Webhook>): Webhook =>
  ({ id: nextId++, orgId: 1, status: 'ENABLED', trigger: 'DEVICE_ADDED', dataTrigger: null, ...over }) as Webhook;

describe('TriggerIndex', () => {
  it('finds candidates by org, kind, key and scope only', () => {
    const index = new TriggerIndex();
    const any = hook({ trigger: 'DEVICE_DATASTREAM_UPDATE', dataTrigger: { dataStream: 'temp' } });
    const dev = hook({ trigger: 'DEVICE_DATASTREAM_UPDATE', dataTrigger: { deviceId: 'd1', dataStream: 'temp' } });
    const tpl = hook({ trigger: 'PRODUCT_DATASTREAM_UPDATE', dataTrigger: { templateId: 't1', dataStream: 'temp' } });
    const otherOrg = hook({ orgId: 2, trigger: 'DEVICE_DATASTREAM_UPDATE', dataTrigger: { dataStream: 'temp' } });
    for (const w of [any, dev, tpl, otherOrg]) index.set(w.id, w);
    expect(index.lookup(1, 'datastream.update', 'temp', 'd1', 't1').map((w) => w.id)).toEqual([any.id, dev.id, tpl.id]);
    expect(index.lookup(1, 'datastream.update', 'temp', 'd2', null).map((w) => w.id)).toEqual([any.id]);
    expect(index.lookup(1, 'datastream.update', 'humidity', 'd1', 't1')).toEqual([]);
    expect(index.lookup(2, 'datastream.update', 'temp', 'd1', 't1').map((w) => w.id)).toEqual([otherOrg.id]);
  });

  it('follows updates and deletes, and leaves webhooks their owner disabled out', () => {
    const index = new TriggerIndex();
    const w = hook({ trigger: 'DEVICE_LOG_EVENT', dataTrigger: { deviceId: 'd', eventCode: 'a' } });
    index.set(w.id, w);
    index.set(w.id, { ...w, dataTrigger: { deviceId: 'd', eventCode: 'b' } });
    expect(index.lookup(1, 'log.event', 'a', 'd', null)).toEqual([]);
    expect(index.lookup(1, 'log.event', 'b', 'd', null)).toHaveLength(1);
    index.set(w.id, { ...w, status: 'DISABLED' });
    expect(index.lookup(1, 'log.event', 'b', 'd', null)).toEqual([]);
    // Disabled due to errors, it still records what matches (held until re-enabled).
    index.set(w.id, { ...w, status: 'DISABLED_DUE_TO_ERRORS' });
    expect(index.lookup(1, 'log.event', 'a', 'd', null)).toHaveLength(1);
    index.set(w.id, w);
    index.set(w.id, null);
    expect(index.size).toBe(0);
  });

  it('says whether anything listens to (org, kind, key), and forgets buckets emptied by deletes', () => {
    const index = new TriggerIndex();
    const w = hook({ trigger: 'DEVICE_DATASTREAM_UPDATE', dataTrigger: { deviceId: 'd', dataStream: 'temp' } });
    index.set(w.id, w);
    expect(index.listens(1, 'datastream.update', 'temp')).toBe(true);
    expect(index.listens(1, 'datastream.update', 'humidity')).toBe(false);
    expect(index.listens(2, 'datastream.update', 'temp')).toBe(false);
    index.set(w.id, null);
    expect(index.listens(1, 'datastream.update', 'temp')).toBe(false);
  });
});
