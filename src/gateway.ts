import type { INestApplication, LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { AddressInfo } from 'node:net';
import { AppModule } from './app.module.js';
import { BrokerService } from './broker/broker.service.js';
import { BrokerTransport } from './broker/broker.transport.js';
import { DeploymentMode } from './config/deployment-mode.js';
import { type GatewayConfig, loadConfig } from './config/gateway-config.js';
import { setUpHttp } from './http-setup.js';
import { PinoLogger } from './observability/pino-logger.js';
import { StopReport } from './observability/stop-report.js';
import { checkDataDir, explainStartupFailure } from './startup-failure.js';
import { TenancyService } from './tenancy/tenancy.service.js';

export interface Gateway {
  app: INestApplication;
  config: GatewayConfig;
  /** How it is deployed (single box, shared database, shared database and Redis), decided once. */
  mode: DeploymentMode;
  httpPort: number;
  mqttPort: number;
  /** The admin token generated on an empty store, if one was; it is printed once and never stored in clear. */
  generatedAdminToken: string | null;
  close(): Promise<void>;
}

/**
 * Builds and starts the gateway: every module initializes (its hooks), then MQTT, then HTTP listen. A failure
 * on the way closes what was opened and throws a StartupError naming the cause and the variable.
 */
export async function startGateway(
  env: Record<string, string | undefined>,
  logger?: LoggerService | false,
): Promise<Gateway> {
  const config = loadConfig(env);
  const mode = new DeploymentMode(config);
  checkDataDir(config, mode);
  let app: INestApplication | undefined;
  try {
    app = await NestFactory.create(AppModule.forRoot(config, mode), {
      logger: logger ?? new PinoLogger(config.LOG_LEVEL, config.LOG_FORMAT),
      bodyParser: false,
      abortOnError: false, // throw to us (explained below), never process.abort()
    });
    setUpHttp(app);
    app.connectMicroservice({ strategy: app.get(BrokerTransport) }, { inheritAppConfig: true });
    await app.init();
    await app.startAllMicroservices();
    await app.listen(config.HTTP_PORT, config.HTTP_HOST);
  } catch (err) {
    await app?.close().catch(() => undefined);
    throw explainStartupFailure(err, config, mode);
  }
  const started = app;
  return {
    app: started,
    config,
    mode,
    httpPort: (started.getHttpServer().address() as AddressInfo).port,
    mqttPort: started.get(BrokerService).tcpPort,
    generatedAdminToken: started.get(TenancyService).generatedAdminToken,
    close: () => {
      started.get(StopReport).begin();
      return started.close();
    },
  };
}
