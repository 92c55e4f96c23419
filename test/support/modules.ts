import { type INestApplicationContext, type ModuleMetadata } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommonModule } from '../../src/common/common.module.js';
import { ConfigModule } from '../../src/config/config.module.js';
import { loadConfig } from '../../src/config/gateway-config.js';
import { EventsModule } from '../../src/events/events.module.js';
import { ObservabilityModule } from '../../src/observability/observability.module.js';
import { StorageModule } from '../../src/storage/storage.module.js';
import { TenancyModule } from '../../src/tenancy/tenancy.module.js';

export interface ModuleRig {
  ctx: INestApplicationContext;
  dataDir: string;
  close(): Promise<void>;
}

/**
 * Feature modules on their own, without HTTP or MQTT: the global modules they rely on (config, a real SQLite
 * store in a temp folder, the event bus, metrics), tenancy (organization 1 exists) plus `imports`, initialized
 * through their lifecycle hooks.
 */
export async function startModules(
  imports: NonNullable<ModuleMetadata['imports']>,
  env: Record<string, string> = {},
): Promise<ModuleRig> {
  const dataDir = env.DATA_DIR ?? mkdtempSync(join(tmpdir(), 'gw-unit-'));
  const config = loadConfig({ DATA_DIR: dataDir, WRITE_BEHIND_FLUSH_MS: '20', ...env });
  const moduleRef = await Test.createTestingModule({
    imports: [
      ConfigModule.forRoot(config),
      CommonModule,
      StorageModule.forRoot(),
      EventsModule,
      ObservabilityModule,
      TenancyModule,
      ...imports,
    ],
  })
    .setLogger(false as never)
    .compile();
  const ctx = await moduleRef.init();
  return {
    ctx,
    dataDir,
    async close() {
      await ctx.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
