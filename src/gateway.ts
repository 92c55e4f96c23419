import { type INestApplication, type LoggerService, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import express, { type NextFunction, type Request, type Response } from 'express';
import { AppModule } from './app.module.js';
import { DownlinkService } from './inbound/downlink.service.js';
import { BrokerService } from './broker/broker.service.js';
import { ApiErrorFilter } from './common/api-error.js';
import { bodyParserErrors, jsonDepthExceeds, tooDeep } from './common/json-limits.js';
import { type GatewayConfig, loadConfig } from './config/gateway-config.js';
import { DeviceRegistry } from './devices/device-registry.js';
import { PresenceTracker } from './devices/presence-tracker.js';
import { BrokerTransport } from './ingest/broker.transport.js';
import { IngestService } from './ingest/ingest.service.js';
import { PinoLogger } from './observability/pino-logger.js';
import { MongoDriver } from './storage/mongo/mongo.driver.js';
import type { StorageDriver } from './storage/ports.js';
import { SqliteDriver } from './storage/sqlite/sqlite.driver.js';
import { TenancyService } from './tenancy/tenancy.service.js';
import { DeliveriesService } from './delivery/deliveries.service.js';
import { Dispatcher } from './delivery/dispatcher.js';
import { Outbox } from './delivery/outbox.js';
import { TriggerEngine } from './triggers/trigger-engine.js';
import { WebhookCatalog } from './webhooks/webhook-catalog.js';

export interface Gateway {
  app: INestApplication;
  config: GatewayConfig;
  httpPort: number;
  mqttPort: number;
  /** The admin token generated on an empty store, if one was; it is printed once and never stored in clear. */
  generatedAdminToken: string | null;
  close(): Promise<void>;
}

export async function openStorage(config: GatewayConfig): Promise<StorageDriver> {
  return config.MONGODB_URI
    ? MongoDriver.connect(config.MONGODB_URI)
    : new SqliteDriver(join(config.DATA_DIR, 'gateway.db'));
}

/** Builds and starts the whole gateway: storage, registry, broker, ingest transport, REST. */
export async function startGateway(
  env: Record<string, string | undefined>,
  logger?: LoggerService | false,
): Promise<Gateway> {
  const config = loadConfig(env);
  const storage = await openStorage(config);
  const app = await NestFactory.create(AppModule.register(config, storage), {
    logger: logger ?? new PinoLogger(config.LOG_LEVEL),
    bodyParser: false,
  });
  // JSON and forms everywhere except the inbound endpoint, which reads its own body (any type, its own limit).
  const inbound = (req: Request) => req.path.startsWith('/webhooks/');
  // JSON nesting is checked on the raw bytes before parsing (a 400, where deep values used to end in a 500).
  const json = express.json({
    verify: (_req, _res, buf) => {
      if (jsonDepthExceeds(buf)) throw tooDeep();
    },
  });
  for (const parser of [json, express.urlencoded({ extended: true })]) {
    app.use((req: Request, res: Response, next: NextFunction) => (inbound(req) ? next() : parser(req, res, next)));
  }
  app.use(bodyParserErrors);
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
  app.useGlobalFilters(new ApiErrorFilter());
  const doc = SwaggerModule.createDocument(
    app,
    new DocumentBuilder().setTitle('Device gateway').setVersion('1').addBearerAuth().build(),
  );
  // scarfSettings: swagger-ui's usage telemetry stays off.
  SwaggerModule.setup('docs', app, doc, {
    swaggerUiEnabled: true,
    ...({ scarfSettings: { enabled: false } } as object),
  } as never);

  await app.get(DeviceRegistry).load();
  await app.get(WebhookCatalog).load();
  const generatedAdminToken = await app.get(TenancyService).bootstrap();
  // Webhooks before presence settles: the offline events of a restart are matched like any other.
  const outbox = app.get(Outbox);
  const dispatcher = app.get(Dispatcher);
  outbox.drainTo((deliveries) => dispatcher.accept(deliveries));
  await dispatcher.start();
  await app.get(TriggerEngine).start();
  app.get(DeliveriesService).startRetention();
  app.get(PresenceTracker).settleAfterRestart();

  const broker = app.get(BrokerService);
  await broker.init();
  app.get(DownlinkService).start();
  const ingest = app.get(IngestService);
  app.connectMicroservice({
    strategy: new BrokerTransport(
      broker,
      {
        ds: (m) => ingest.datastream(m),
        batch: (m) => ingest.batch(m),
        event: (m) => ingest.logEvent(m),
      },
      () => outbox.durable(),
    ),
  });
  await app.startAllMicroservices();
  await broker.listen();
  await app.listen(config.HTTP_PORT, config.HTTP_HOST);
  broker.attachWebSocket(app.getHttpServer());
  const httpPort = (app.getHttpServer().address() as AddressInfo).port;

  return {
    app,
    config,
    httpPort,
    mqttPort: broker.tcpPort,
    generatedAdminToken,
    async close() {
      await broker.stop();
      await app.close();
      await storage.close();
    },
  };
}
