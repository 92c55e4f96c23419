import type { GatewayEvent } from '../src/events/gateway-event.js';
import { EventBus } from '../src/events/event-bus.js';
import {
  createDevice,
  deviceClient,
  endClient,
  publish,
  startTestGateway,
  type TestGateway,
} from './support/harness.js';

/**
 * The PUBACK rule as a contract of the event bus (issue 21): a listener returns what it caused that must be
 * durable, so one that works asynchronously holds the acknowledgement of the message that caused its event.
 */
describe('PUBACK after what a message caused is durable (real broker, real clients)', () => {
  let gw: TestGateway;

  beforeAll(async () => {
    gw = await startTestGateway();
  });
  afterAll(() => gw.stop());

  it('withholds the PUBACK until an asynchronous listener has finished, while other clients are acknowledged', async () => {
    const [held, free] = [await createDevice(gw), await createDevice(gw)];
    const [heldClient, freeClient] = [await deviceClient(gw, held), await deviceClient(gw, free)];
    let release!: () => void;
    const commit = new Promise<void>((r) => (release = r));
    let listened!: () => void;
    const called = new Promise<void>((r) => (listened = r));
    const order: string[] = [];
    // An asynchronous listener, as a new feature writing to storage might add: its commit is ours to hold.
    const off = gw.app.get(EventBus).subscribe(async (e: GatewayEvent) => {
      if (e.deviceId !== held.id) return;
      listened();
      await commit;
      order.push('listener committed');
    });
    try {
      const acked = publish(heldClient, `devices/${held.id}/ds/temperature`, '21.5').then(() =>
        order.push('held acknowledged'),
      );
      await called;
      order.push('listener called');
      // Another client's QoS 1 PUBLISH, taken in after the held one, is acknowledged meanwhile.
      await publish(freeClient, `devices/${free.id}/ds/temperature`, '19');
      order.push('other acknowledged');
      expect(order).toEqual(['listener called', 'other acknowledged']);

      release();
      await acked;
      expect(order).toEqual(['listener called', 'other acknowledged', 'listener committed', 'held acknowledged']);
    } finally {
      off();
      release();
      await Promise.all([endClient(heldClient), endClient(freeClient)]);
    }
  });
});
