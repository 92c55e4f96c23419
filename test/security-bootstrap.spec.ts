import type { LoggerService } from '@nestjs/common';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { startGateway } from '../src/gateway.js';
import { ADMIN_TOKEN, auth } from './support/harness.js';

/** Records every log line (message and level). */
class RecordingLogger implements LoggerService {
  readonly lines: { level: string; message: string }[] = [];
  log = (m: unknown) => this.lines.push({ level: 'log', message: String(m) });
  error = (m: unknown) => this.lines.push({ level: 'error', message: String(m) });
  warn = (m: unknown) => this.lines.push({ level: 'warn', message: String(m) });
  debug = () => {};
  verbose = () => {};
}

describe('security: a revoked environment admin token stays revoked', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gw-boot-'));
  const env = {
    HTTP_PORT: '0',
    MQTT_PORT: '0',
    HTTP_HOST: '127.0.0.1',
    MQTT_HOST: '127.0.0.1',
    DATA_DIR: dir,
    GATEWAY_ADMIN_TOKEN: ADMIN_TOKEN,
  };
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a restart with the same GATEWAY_ADMIN_TOKEN does not bring a deleted admin token back, and says so', async () => {
    const first = await startGateway(env, new RecordingLogger());
    const http = () => request(`http://127.0.0.1:${first.httpPort}`);
    const spare = await http()
      .post('/api/v1/organization/tokens')
      .set(auth())
      .send({ name: 'spare', scopes: ['all.Organization'] });
    const tokens = (await http().get('/api/v1/organization/tokens').set(auth())).body.items as {
      id: number;
      name: string;
    }[];
    const admin = tokens.find((t) => t.name === 'admin')!;
    expect((await http().delete(`/api/v1/organization/tokens/${admin.id}`).set(auth(spare.body.token))).status).toBe(
      204,
    );
    expect((await http().get('/api/v1/organization').set(auth())).status).toBe(401);
    await first.close();

    const logger = new RecordingLogger();
    const second = await startGateway(env, logger);
    try {
      await checkSecond();
    } finally {
      await second.close();
    }
    async function checkSecond() {
      const again = () => request(`http://127.0.0.1:${second.httpPort}`);
      expect((await again().get('/api/v1/organization').set(auth())).status).toBe(401);
      expect((await again().get('/api/v1/organization').set(auth(spare.body.token))).status).toBe(200);
      expect(logger.lines).toContainEqual({
        level: 'warn',
        message: expect.stringContaining('GATEWAY_ADMIN_TOKEN is not a token of this store'),
      });
    }
  });
});
