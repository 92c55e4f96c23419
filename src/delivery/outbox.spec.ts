import { startModules, type ModuleRig } from '../../test/support/modules.js';
import { newDevice } from '../devices/device.model.js';
import type { GatewayEvent } from '../events/gateway-event.js';
import type { CreateWebhookDto } from '../webhooks/webhook.dto.js';
import type { Webhook } from '../webhooks/webhook.model.js';
import { WebhooksService } from '../webhooks/webhooks.service.js';
import { DeliveryModule } from './delivery.module.js';
import { DELIVERY_REPOSITORY, type DeliveryRepository } from './delivery.repository.js';
import { Outbox } from './outbox.js';

const event = (deviceId: string, value: unknown): GatewayEvent => ({
  orgId: 1,
  deviceId,
  kind: 'datastream.update',
  key: 'temp',
  value,
  ts: Date.now(),
  seq: 1,
});

/** The outbox in its module with real SQLite; the webhook's URL is a closed local port (attempts fail at once). */
describe('Outbox', () => {
  let rig: ModuleRig;
  let outbox: Outbox;
  let repo: DeliveryRepository;
  let webhook: Webhook;
  async function start(env: Record<string, string> = {}) {
    rig = await startModules([DeliveryModule], {
      WEBHOOK_ALLOW_HTTP: 'true',
      WEBHOOK_ALLOWED_TARGETS: '127.0.0.1',
      ...env,
    });
    outbox = rig.ctx.get(Outbox);
    repo = rig.ctx.get(DELIVERY_REPOSITORY);
    const dto = { name: 'w', trigger: 'DEVICE_ADDED', url: 'http://127.0.0.1:9/x', failureLimit: 1000 };
    const view = await rig.ctx.get(WebhooksService).create(1, dto as CreateWebhookDto);
    webhook = rig.ctx.get(WebhooksService).get(1, view.id);
  }
  afterEach(() => rig.close());
  const rows = async () => (await repo.find(1, webhook.id, { page: 0, size: 100 })).items.reverse();

  it('commits every row of one event-loop turn together, and the next turn apart', async () => {
    await start();
    expect(outbox.durable()).toBeNull(); // nothing waiting: a QoS 1 PUBACK goes out at once
    outbox.add(webhook, event('a', 1), undefined);
    const first = outbox.durable();
    outbox.add(webhook, event('a', 2), undefined);
    expect(outbox.durable()).toBe(first); // one group commit
    await first;
    expect(outbox.durable()).toBeNull();
    outbox.add(webhook, event('a', 3), undefined);
    expect(outbox.durable()).not.toBe(first);
    await outbox.durable();
    const saved = await rows();
    expect(saved.map((d) => d.matched?.event.value)).toEqual([1, 2, 3]);
    expect(new Set(saved.map((d) => d.messageId)).size).toBe(3);
  });

  it('keeps the device as the event found it, and delays the first attempt by the schedule', async () => {
    await start({ WEBHOOK_RETRY_SCHEDULE_MS: '60000,1000' });
    const device = newDevice({ id: 'd1', orgId: 1, name: 'Pump', tokenHash: 'secret-hash' });
    device.values.temp = { value: 21, ts: 1 };
    device.values.other = { value: 'x'.repeat(1000), ts: 1 };
    device.metadata = { site: 'Lab', notes: 'y'.repeat(1000) };
    const before = Date.now();
    const naming = { ...webhook, body: '{"t": {device_dataStream_temp}, "s": "{device_metadata_site}"}' };
    outbox.add(naming, event('d1', 21), device);
    device.name = 'Renamed';
    device.values = { ...device.values, temp: { value: 99, ts: 2 } };
    await outbox.durable();
    const [d] = await rows();
    // Only what the webhook's templates name is kept of the device's datastreams and metadata.
    expect(d.matched?.device).toEqual({
      name: 'Pump',
      type: 'PRIVATE',
      templateId: null,
      status: 'offline',
      groupIds: [],
      createdAt: device.createdAt,
      values: { temp: { value: 21, ts: 1 } },
      metadata: { site: 'Lab' },
    });
    expect(d.nextAttemptAt).toBeGreaterThanOrEqual(before + 60000);
  });

  it('rejects durable() when the commit fails, so the PUBACK is withheld', async () => {
    await start();
    // A row the store refuses (NOT NULL org_id): a real failed transaction, nothing of it kept.
    outbox.add({ ...webhook, orgId: null as never }, event('a', 1), undefined);
    outbox.add(webhook, event('a', 2), undefined);
    // (matched by message: the store's error class comes from outside Jest's realm, so toThrow may not see it)
    await expect(outbox.durable()).rejects.toHaveProperty('message', expect.stringContaining('NOT NULL'));
    expect(await rows()).toEqual([]);
  });
});
