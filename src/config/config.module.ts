import { type DynamicModule, Global, Module } from '@nestjs/common';
import { DeploymentMode } from './deployment-mode.js';
import { GatewayConfig } from './gateway-config.js';

/**
 * The validated configuration (loadConfig, once, before Nest starts) as an injectable, and the deployment mode
 * decided from it (single box, shared database, shared database and Redis) that features ask.
 */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: GatewayConfig, mode = new DeploymentMode(config)): DynamicModule {
    return {
      module: ConfigModule,
      providers: [
        { provide: GatewayConfig, useValue: config },
        { provide: DeploymentMode, useValue: mode },
      ],
      exports: [GatewayConfig, DeploymentMode],
    };
  }
}
