import { Module } from '@nestjs/common';
import { DeviceRegistry } from './device-registry.js';
import { AgentsController, DevicesController } from './devices.controller.js';
import { DevicesService } from './devices.service.js';
import { PresenceTracker } from './presence-tracker.js';

/** The device and agent registry, presence, and their REST resources. */
@Module({
  controllers: [DevicesController, AgentsController],
  providers: [DeviceRegistry, PresenceTracker, DevicesService],
  exports: [DeviceRegistry, PresenceTracker, DevicesService],
})
export class DevicesModule {}
