import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { TOPIC_PATTERNS } from './broker.transport.js';
import { type DeviceMessage, IngestService } from './ingest.service.js';

/**
 * Device status and metadata handlers, fed by BrokerTransport from the embedded broker. The high-rate kinds
 * (ds, batch, event) are wired as direct handlers in gateway.ts; see BrokerTransport for why.
 */
@Controller()
export class IngestController {
  constructor(private readonly ingest: IngestService) {}

  @EventPattern(TOPIC_PATTERNS.status)
  status(@Payload() m: DeviceMessage): void {
    this.ingest.status(m);
  }

  @EventPattern(TOPIC_PATTERNS.info)
  info(@Payload() m: DeviceMessage): void {
    this.ingest.info(m);
  }
}
