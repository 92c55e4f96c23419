import { type CustomTransportStrategy, Server } from '@nestjs/microservices';
import { Injectable } from '@nestjs/common';
import { BrokerService } from './broker.service.js';

/**
 * The MQTT side of the gateway as a Nest microservice: `app.startAllMicroservices()` opens the broker's
 * listeners once every module is initialized, and `app.close()` closes them before the shutdown hooks flush
 * what is written behind. Messages do not pass through Nest's RPC pipeline: authorizePublish hands each one to
 * IngestRouter directly (measured with bench:ingest, the pipeline cost as much CPU per message as Aedes).
 */
@Injectable()
export class BrokerTransport extends Server implements CustomTransportStrategy {
  constructor(private readonly broker: BrokerService) {
    super();
  }

  listen(callback: (err?: unknown) => void): void {
    this.broker.listen().then(
      () => callback(),
      (err: unknown) => callback(err),
    );
  }

  close(): Promise<void> {
    return this.broker.stop();
  }

  on(): void {
    throw new Error('BrokerTransport has no events to listen to');
  }

  unwrap<T>(): T {
    return this.broker as T;
  }
}
