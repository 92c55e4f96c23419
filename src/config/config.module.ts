import { type DynamicModule, Global, Module } from '@nestjs/common';
import { SecretBox } from '../common/secret-box.js';
import { TargetGuard } from '../common/target-guard.js';
import { GatewayConfig } from './gateway-config.js';

/**
 * The validated configuration (loadConfig, once, before Nest starts) as an injectable, and what is built from
 * it alone: the SecretBox that seals credentials at rest and the TargetGuard (the SSRF rule, applied when a
 * webhook is saved and again when a callback connects).
 */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: ConfigModule,
      providers: [
        { provide: GatewayConfig, useValue: config },
        { provide: SecretBox, useValue: SecretBox.fromConfig(config.GATEWAY_SECRET_KEY, config.DATA_DIR) },
        { provide: TargetGuard, useValue: new TargetGuard(config.WEBHOOK_ALLOWED_TARGETS) },
      ],
      exports: [GatewayConfig, SecretBox, TargetGuard],
    };
  }
}
