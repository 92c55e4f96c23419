import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { TOPIC_PATTERNS } from './broker.transport.js';
import { type DeviceMessage, IngestService } from './ingest.service.js';

/** Device telemetry handlers, fed by BrokerTransport from the embedded broker. */
@Controller()
export class IngestController {
  constructor(private readonly ingest: IngestService) {}

  @EventPattern(TOPIC_PATTERNS.status)
  status(@Payload() m: DeviceMessage): void { this.ingest.status(m); }

  @EventPattern(TOPIC_PATTERNS.ds)
  datastream(@Payload() m: DeviceMessage): void { this.ingest.datastream(m); }

  @EventPattern(TOPIC_PATTERNS.batch)
  batch(@Payload() m: DeviceMessage): void { this.ingest.batch(m); }

  @EventPattern(TOPIC_PATTERNS.event)
  logEvent(@Payload() m: DeviceMessage): void { this.ingest.logEvent(m); }

  @EventPattern(TOPIC_PATTERNS.info)
  info(@Payload() m: DeviceMessage): void { this.ingest.info(m); }
}
