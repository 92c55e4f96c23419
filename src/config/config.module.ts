import { type DynamicModule, Global, Module } from '@nestjs/common';
import { SecretBox } from '../common/secret-box.js';
import { GatewayConfig } from './gateway-config.js';

/**
 * The validated configuration (loadConfig, once, before Nest starts) as an injectable, and what is built from
 * it alone: the SecretBox that seals credentials at rest.
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
      ],
      exports: [GatewayConfig, SecretBox],
    };
  }
}
