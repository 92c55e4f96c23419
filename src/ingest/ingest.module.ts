import { Module } from '@nestjs/common';
import { DeliveryModule } from '../delivery/delivery.module.js';
import { DevicesModule } from '../devices/devices.module.js';
import { IngestRouter } from './ingest-router.js';
import { IngestService } from './ingest.service.js';

/** Device messages → registry updates and canonical events; the router the broker hands every PUBLISH to. */
@Module({
  imports: [DevicesModule, DeliveryModule],
  providers: [IngestService, IngestRouter],
  exports: [IngestRouter],
})
export class IngestModule {}
