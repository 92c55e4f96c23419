import { Global, Module } from '@nestjs/common';
import { GatewayConfig } from '../config/gateway-config.js';
import { SecretBox } from './secret-box.js';
import { TargetGuard } from './target-guard.js';

/**
 * What is built from the configuration alone, for every feature: the SecretBox that seals credentials at rest
 * and the TargetGuard (the SSRF rule, applied when a webhook is saved and again when a callback connects).
 */
@Global()
@Module({
  providers: [
    {
      provide: SecretBox,
      useFactory: (c: GatewayConfig) => SecretBox.fromConfig(c.GATEWAY_SECRET_KEY, c.DATA_DIR),
      inject: [GatewayConfig],
    },
    {
      provide: TargetGuard,
      useFactory: (c: GatewayConfig) => new TargetGuard(c.WEBHOOK_ALLOWED_TARGETS),
      inject: [GatewayConfig],
    },
  ],
  exports: [SecretBox, TargetGuard],
})
export class CommonModule {}
