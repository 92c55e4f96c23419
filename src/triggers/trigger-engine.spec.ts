import { jest } from '@jest/globals';
import { startModules, type ModuleRig } from '../../test/support/modules.js';
import type { DeliveryRepository } from '../delivery/delivery.repository.js';
import { DELIVERY_REPOSITORY } from '../delivery/delivery.repository.js';
import { Outbox } from '../delivery/outbox.js';
import { type Device, newDevice } from '../devices/device.model.js';
import { DeviceRegistry } from '../devices/device-registry.js';
import type { CreateWebhookDto } from '../webhooks/webhook.dto.js';
import { WebhooksService } from '../webhooks/webhooks.service.js';
import { TriggerEngine } from './trigger-engine.js';
import { TriggersModule } from './triggers.module.js';

let n = 0;
const device = (over: Partial<Device> = {}): Device =>
  newDevice({ id: `t-${++n}`, orgId: 1, name: 'd', tokenHash: 'h', ...over });

/**
 * The engine in its module with real storage: events go in through DeviceRegistry.emit, matches come out as
 * outbox rows. The webhooks point at a closed local port, so their attempts fail at once: only matching is
 * under test here (delivery has its own specs).
 */
describe('TriggerEngine', () => {
  let rig: ModuleRig;
  let registry: DeviceRegistry;
  let webhooks: WebhooksService;
  let repo: DeliveryRepository;
  beforeEach(async () => {
    rig = await startModules([TriggersModule], { WEBHOOK_ALLOW_HTTP: 'true', WEBHOOK_ALLOWED_TARGETS: '127.0.0.1' });
    registry = rig.ctx.get(DeviceRegistry);
    webhooks = rig.ctx.get(WebhooksService);
    repo = rig.ctx.get(DELIVERY_REPOSITORY);
  });
  afterEach(() => rig.close());

  const hook = async (dto: Partial<CreateWebhookDto>) =>
    webhooks.create(1, {
      name: `w${++n}`,
      url: 'http://127.0.0.1:9/hook',
      failureLimit: 1000,
      ...dto,
    } as CreateWebhookDto);
  /** What webhook `id` has matched so far: the values of its outbox rows, oldest first. */
  const matched = async (id: number) => {
    await rig.ctx.get(Outbox).durable();
    const { items } = await repo.find(1, id, { page: 0, size: 100 });
    return items.reverse().map((d) => `${d.event}:${d.deviceId}`);
  };

  it('finds webhooks by device, by template and for any device, and nothing else', async () => {
    const a = device({ templateId: 'tpl' });
    const b = device({ templateId: 'other' });
    await registry.addDevice(a);
    await registry.addDevice(b);
    const mine = await hook({
      trigger: 'DEVICE_DATASTREAM_UPDATE',
      dataTrigger: { deviceId: a.id, dataStream: 'temp' },
    });
    const tpl = await hook({
      trigger: 'PRODUCT_DATASTREAM_UPDATE',
      dataTrigger: { templateId: 'tpl', dataStream: 'temp' },
    });
    const added = await hook({ trigger: 'DEVICE_ADDED' });
    for (const d of [a, b]) registry.emit(d, 'datastream.update', 'temp', 1, Date.now());
    registry.emit(a, 'datastream.update', 'humidity', 1, Date.now());
    registry.emit(b, 'device.added', '', null, Date.now());
    expect(await matched(mine.id)).toEqual([`datastream.update:${a.id}`]);
    expect(await matched(tpl.id)).toEqual([`datastream.update:${a.id}`]);
    expect(await matched(added.id)).toEqual([`device.added:${b.id}`]);
    expect(rig.ctx.get(TriggerEngine).indexedWebhooks).toBe(3);
  });

  it("never reports a PUBLIC device's status (Kobiton), and follows the webhook's status toggles", async () => {
    const pub = device({ type: 'PUBLIC' });
    const priv = device();
    await registry.addDevice(pub);
    await registry.addDevice(priv);
    const w = await hook({ trigger: 'DEVICE_STATUS', dataTrigger: { statuses: ['offline'] } });
    for (const d of [pub, priv]) {
      registry.emit(d, 'device.status.online', '', null, Date.now());
      registry.emit(d, 'device.status.offline', '', null, Date.now());
    }
    expect(await matched(w.id)).toEqual([`device.status.offline:${priv.id}`]);
  });

  it('fires a threshold on its crossing and throttles by the event time', async () => {
    const d = device();
    await registry.addDevice(d);
    const gt = await hook({
      trigger: 'DEVICE_DATASTREAM_UPDATE',
      dataTrigger: { deviceId: d.id, dataStream: 'temp', condition: { op: 'gt', value: 30 } },
    });
    const throttled = await hook({
      trigger: 'DEVICE_DATASTREAM_UPDATE',
      dataTrigger: { deviceId: d.id, dataStream: 'temp', throttleMs: 1000 },
    });
    const t0 = Date.now();
    [20, 31, 35, 29, 33].forEach((v, i) => registry.emit(d, 'datastream.update', 'temp', v, t0 + i * 400));
    expect(await matched(gt.id)).toHaveLength(2); // 31 and 33
    expect(await matched(throttled.id)).toHaveLength(2); // at t0 and t0 + 1200
  });

  it('follows every change of the catalog: update re-keys, disable and delete unindex', async () => {
    const d = device();
    await registry.addDevice(d);
    const w = await hook({ trigger: 'DEVICE_DATASTREAM_UPDATE', dataTrigger: { deviceId: d.id, dataStream: 'a' } });
    await webhooks.update(1, w.id, { dataTrigger: { deviceId: d.id, dataStream: 'b' } }, false);
    registry.emit(d, 'datastream.update', 'a', 1, Date.now());
    registry.emit(d, 'datastream.update', 'b', 1, Date.now());
    await webhooks.update(1, w.id, { status: 'DISABLED' }, false);
    registry.emit(d, 'datastream.update', 'b', 2, Date.now());
    expect(await matched(w.id)).toHaveLength(1);
    await webhooks.remove(1, w.id);
    expect(rig.ctx.get(TriggerEngine).indexedWebhooks).toBe(0);
  });

  /** A device whose `temp` above 30 for a minute fires a webhook; `run` goes on the fake clock from its first 31. */
  async function minuteHold(run: (fired: () => Promise<boolean>) => Promise<void>): Promise<void> {
    const d = device();
    await registry.addDevice(d);
    const w = await hook({
      trigger: 'DEVICE_DATASTREAM_UPDATE',
      dataTrigger: { deviceId: d.id, dataStream: 'temp', condition: { op: 'gt', value: 30, forMs: 60_000 } },
    });
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
    try {
      registry.emit(d, 'datastream.update', 'temp', 31, Date.now());
      await run(async () => (await matched(w.id)).join() === `datastream.update:${d.id}`);
    } finally {
      jest.useRealTimers();
    }
  }

  it('fires a forMs hold when it runs out, on the fake clock', () =>
    minuteHold(async (fired) => {
      jest.advanceTimersByTime(59_999);
      expect(await fired()).toBe(false);
      jest.advanceTimersByTime(1);
      expect(await fired()).toBe(true);
    }));

  it('arms a forMs hold again when its timer runs ahead of the wall clock, instead of dropping it', () =>
    minuteHold(async (fired) => {
      // Timers run on the loop's cached time: under load they fire a few ms before Date.now() says forMs passed.
      const timerClock = Date.now;
      const wallClock = jest.spyOn(Date, 'now').mockImplementation(() => timerClock() - 3);
      jest.advanceTimersByTime(60_000);
      expect(await fired()).toBe(false);
      jest.advanceTimersByTime(3);
      expect(await fired()).toBe(true);
      wallClock.mockRestore();
    }));
});
