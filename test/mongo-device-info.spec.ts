import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ADMIN_TOKEN,
  auth,
  createDevice,
  deviceClient,
  endClient,
  getDevice,
  publish,
  startTestGateway,
} from './support/harness.js';
import { dropDatabase, mongoTestUri } from './support/mongo.js';
import { describeWith } from './support/requirements.js';

/**
 * What a device reports about itself over MQTT (`info`: metadata, name, template) is acknowledged data: on
 * MongoDB it was kept only in memory (the write-behind stored the run-time state alone) and lost at a restart.
 */
const uri = mongoTestUri('device_info');
describeWith(['mongo'], 'a device’s own info on MongoDB survives a restart', () => {
  // One DATA_DIR for the three starts: it holds the generated GATEWAY_SECRET_KEY the database was sealed with.
  const dir = mkdtempSync(join(tmpdir(), 'gw-info-'));
  afterAll(async () => {
    await dropDatabase(uri!);
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the metadata and name the device reported, and REST’s later change over it', async () => {
    const env = { MONGODB_URI: uri!, GATEWAY_INSTANCE_ID: 'info-1' };
    let gw = await startTestGateway(env, dir);
    try {
      const d = await createDevice(gw, { name: 'as created' });
      const c = await deviceClient(gw, d);
      await publish(c, `devices/${d.id}/info`, JSON.stringify({ name: 'as reported', fw: '2.1' }));
      await endClient(c);
      await gw.stop(); // the stop flushes the write-behind
      gw = await startTestGateway(env, dir);
      expect(await getDevice(gw, d.id)).toMatchObject({ name: 'as reported', metadata: { fw: '2.1' } });
      await gw
        .http()
        .patch(`/api/v1/organization/devices/${d.id}`)
        .set(auth(ADMIN_TOKEN))
        .send({ name: 'by REST' })
        .expect(200);
      await gw.stop();
      gw = await startTestGateway(env, dir);
      expect(await getDevice(gw, d.id)).toMatchObject({ name: 'by REST', metadata: { fw: '2.1' } });
    } finally {
      await gw.stop();
    }
  });
});
