import type { Webhook } from '../webhooks/webhook.model.js';
import { listensTo, TriggerIndex } from './trigger-index.js';

let nextId = 1;
const hook = (over: Partial<Webhook>): Webhook =>
  ({ id: nextId++, orgId: 1, status: 'ENABLED', trigger: 'DEVICE_ADDED', dataTrigger: null, ...over }) as Webhook;

describe('TriggerIndex', () => {
  it('maps every trigger type to the events it sees', () => {
    expect(listensTo(hook({ trigger: 'DEVICE_STATUS', dataTrigger: { statuses: ['offline', 'utilizing'] } }))).toEqual([
      { kind: 'device.status.offline', key: '' },
      { kind: 'device.state.utilizing', key: '' },
    ]);
    expect(listensTo(hook({ trigger: 'DEVICE_STATUS' }))).toHaveLength(4);
    expect(
      listensTo(hook({ trigger: 'PRODUCT_DATASTREAM_UPDATE', dataTrigger: { templateId: 't', dataStream: 'temp' } })),
    ).toEqual([{ kind: 'datastream.update', key: 'temp' }]);
    expect(
      listensTo(hook({ trigger: 'GLOBAL_PRODUCT_LOG_EVENT', dataTrigger: { templateId: 't', eventCode: 'x' } })),
    ).toEqual([{ kind: 'log.event', key: 'x' }]);
    expect(
      listensTo(hook({ trigger: 'DEVICE_EVENTS', dataTrigger: { statuses: ['online'], eventCodes: ['tamper'] } })),
    ).toEqual([
      { kind: 'device.status.online', key: '' },
      { kind: 'log.event', key: 'tamper' },
    ]);
    expect(listensTo(hook({ trigger: 'NEW_USER' }))).toEqual([{ kind: 'user.added', key: '' }]);
    expect(listensTo(hook({ trigger: 'ORGANIZATION_ADDED' }))).toEqual([{ kind: 'organization.added', key: '' }]);
  });

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

  it('follows updates and deletes, and leaves disabled webhooks out', () => {
    const index = new TriggerIndex();
    const w = hook({ trigger: 'DEVICE_LOG_EVENT', dataTrigger: { deviceId: 'd', eventCode: 'a' } });
    index.set(w.id, w);
    index.set(w.id, { ...w, dataTrigger: { deviceId: 'd', eventCode: 'b' } });
    expect(index.lookup(1, 'log.event', 'a', 'd', null)).toEqual([]);
    expect(index.lookup(1, 'log.event', 'b', 'd', null)).toHaveLength(1);
    index.set(w.id, { ...w, status: 'DISABLED' });
    expect(index.lookup(1, 'log.event', 'b', 'd', null)).toEqual([]);
    index.set(w.id, w);
    index.set(w.id, null);
    expect(index.size).toBe(0);
  });
});
