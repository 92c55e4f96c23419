import { listensTo } from './trigger-kinds.js';
import type { Webhook } from './webhook.model.js';

const hook = (over: Partial<Webhook>): Webhook =>
  ({ id: 1, orgId: 1, status: 'ENABLED', trigger: 'DEVICE_ADDED', dataTrigger: null, ...over }) as Webhook;

describe('trigger kinds', () => {
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
});
