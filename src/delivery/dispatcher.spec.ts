import { startModules, type ModuleRig } from '../../test/support/modules.js';
import { type Receiver, startReceiver } from '../../test/support/receiver.js';
import { waitFor } from '../../test/support/harness.js';
import type { GatewayEvent } from '../events/gateway-event.js';
import type { CreateWebhookDto } from '../webhooks/webhook.dto.js';
import { WebhooksService } from '../webhooks/webhooks.service.js';
import { DeliveryModule } from './delivery.module.js';
import { DELIVERY_REPOSITORY, type DeliveryRepository } from './delivery.repository.js';
import { Outbox } from './outbox.js';

const event: GatewayEvent = { orgId: 1, deviceId: 'd', kind: 'device.added', key: '', value: null, ts: 1, seq: 1 };

/** The dispatcher in its module: real SQLite, a real HTTP receiver on 127.0.0.1, deliveries made by the Outbox. */
describe('Dispatcher', () => {
  let rig: ModuleRig;
  let rx: Receiver;
  let webhooks: WebhooksService;
  let repo: DeliveryRepository;
  async function start(env: Record<string, string> = {}) {
    rx = await startReceiver();
    rig = await startModules([DeliveryModule], {
      WEBHOOK_ALLOW_HTTP: 'true',
      WEBHOOK_ALLOWED_TARGETS: '127.0.0.1',
      WEBHOOK_RETRY_SCHEDULE_MS: '0,50',
      ...env,
    });
    webhooks = rig.ctx.get(WebhooksService);
    repo = rig.ctx.get(DELIVERY_REPOSITORY);
  }
  afterEach(async () => {
    await rig.close();
    await rx.close();
  });
  const hook = async (path: string) => {
    const dto = { name: path, trigger: 'DEVICE_ADDED', url: `${rx.url}${path}` } as CreateWebhookDto;
    return webhooks.get(1, (await webhooks.create(1, dto)).id);
  };
  const fire = async (w: Awaited<ReturnType<typeof hook>>) => {
    const outbox = rig.ctx.get(Outbox);
    outbox.add(w, event, undefined);
    await outbox.durable();
  };
  const log = async (webhookId: number) => (await repo.find(1, webhookId, { page: 0, size: 10 })).items;

  it('sends a committed delivery signed, under its webhook-id, and records it delivered', async () => {
    await start();
    const w = await hook('/ok');
    await fire(w);
    const [req] = await rx.wait(1, '/ok');
    const [d] = await waitFor(
      () => log(w.id),
      ([x]) => x?.status === 'delivered',
    );
    expect(req.headers['webhook-id']).toBe(d.messageId);
    expect(req.headers['webhook-signature']).toMatch(/^v1,/);
    expect(JSON.parse(req.body)).toMatchObject({ eventActivity: 'device.added', webhookId: w.id });
  });

  it('410 disables the webhook and holds the delivery; re-enabling sends it again, same webhook-id', async () => {
    await start();
    const w = await hook('/gone');
    rx.on((r) => (r.path === '/gone' ? { status: 410 } : { status: 200 }));
    await fire(w);
    await waitFor(
      () => log(w.id),
      ([x]) => x?.status === 'held',
    );
    expect(webhooks.get(1, w.id).status).toBe('DISABLED_DUE_TO_ERRORS');
    rx.on(() => ({ status: 200 }));
    await webhooks.update(1, w.id, { status: 'ENABLED' }, false);
    await waitFor(
      () => log(w.id),
      ([x]) => x?.status === 'delivered',
    );
    const [first, again] = await rx.wait(2, '/gone');
    expect(again.headers['webhook-id']).toBe(first.headers['webhook-id']);
  });

  it('drops what is still queued for a webhook that is deleted', async () => {
    await start({ WEBHOOK_RETRY_SCHEDULE_MS: '60000' }); // the first attempt waits a minute
    const w = await hook('/later');
    await fire(w);
    await webhooks.remove(1, w.id);
    const [d] = await waitFor(
      () => log(w.id),
      ([x]) => x?.status === 'dropped',
    );
    expect(d.dropReason).toBe('webhook_deleted');
    expect(rx.received).toEqual([]);
  });
});
