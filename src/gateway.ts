import type { INestApplication, LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { AddressInfo } from 'node:net';
import { AppModule } from './app.module.js';
import { BrokerService } from './broker/broker.service.js';
import { BrokerTransport } from './broker/broker.transport.js';
import { type GatewayConfig, loadConfig } from './config/gateway-config.js';
import { setUpHttp } from './http-setup.js';
import { PinoLogger } from './observability/pino-logger.js';
import { TenancyService } from './tenancy/tenancy.service.js';

export interface Gateway {
  app: INestApplication;
  config: GatewayConfig;
  httpPort: number;
  mqttPort: number;
  /** The admin token generated on an empty store, if one was; it is printed once and never stored in clear. */
  generatedAdminToken: string | null;
  close(): Promise<void>;
}

/** Builds and starts the gateway: every module initializes (its hooks), then MQTT, then HTTP listen. */
export async function startGateway(
  env: Record<string, string | undefined>,
  logger?: LoggerService | false,
): Promise<Gateway> {
  const config = loadConfig(env);
  const app = await NestFactory.create(AppModule.forRoot(config), {
    logger: logger ?? new PinoLogger(config.LOG_LEVEL),
    bodyParser: false,
  });
  setUpHttp(app);
  app.connectMicroservice({ strategy: app.get(BrokerTransport) }, { inheritAppConfig: true });
  await app.init();
  await app.startAllMicroservices();
  await app.listen(config.HTTP_PORT, config.HTTP_HOST);
  return {
    app,
    config,
    httpPort: (app.getHttpServer().address() as AddressInfo).port,
    mqttPort: app.get(BrokerService).tcpPort,
    generatedAdminToken: app.get(TenancyService).generatedAdminToken,
    close: () => app.close(),
  };
}
