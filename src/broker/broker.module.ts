import { Module } from '@nestjs/common';
import { DevicesModule } from '../devices/devices.module.js';
import { IngestModule } from '../ingest/ingest.module.js';
import { TenancyModule } from '../tenancy/tenancy.module.js';
import { BrokerService } from './broker.service.js';
import { BrokerTransport } from './broker.transport.js';

/** The embedded MQTT broker: listeners, the frame guard, and the CONNECT/PUBLISH/SUBSCRIBE handlers. */
@Module({
  imports: [DevicesModule, TenancyModule, IngestModule],
  providers: [BrokerService, BrokerTransport],
  exports: [BrokerService, BrokerTransport],
})
export class BrokerModule {}
