import { Module } from '@nestjs/common';
import { GatewayConfig } from '../config/gateway-config.js';
import { ClusterPresence } from './cluster-presence.js';
import { CONNECTION_LEDGER_REPOSITORY, type ConnectionLedgerRepository } from './connection-ledger.repository.js';
import { DEVICE_REPOSITORY, type DeviceRepository } from './device.repository.js';
import { DeviceRegistry } from './device-registry.js';
import { AgentsController, DevicesController } from './devices.controller.js';
import { DevicesService } from './devices.service.js';
import { HistoryController, HistoryRetentionController } from './history/history.controller.js';
import { HistoryPruner } from './history/history-pruner.js';
import { HistoryRecorder } from './history/history-recorder.js';
import { HistoryRetentionService } from './history/history-retention.js';
import { HistoryService } from './history/history.service.js';
import { PresenceTracker } from './presence-tracker.js';

/** The device and agent registry, presence, datastream history, and their REST resources. */
@Module({
  controllers: [DevicesController, AgentsController, HistoryController, HistoryRetentionController],
  providers: [
    HistoryRecorder,
    DeviceRegistry,
    {
      // Only where several instances can share the database (MongoDB); SQLite serves one instance.
      provide: ClusterPresence,
      useFactory: (
        ledger: ConnectionLedgerRepository | null,
        devices: DeviceRepository,
        r: DeviceRegistry,
        c: GatewayConfig,
      ) => (ledger ? new ClusterPresence(ledger, devices, r, c) : null),
      inject: [CONNECTION_LEDGER_REPOSITORY, DEVICE_REPOSITORY, DeviceRegistry, GatewayConfig],
    },
    PresenceTracker,
    DevicesService,
    HistoryService,
    HistoryRetentionService,
    HistoryPruner,
  ],
  exports: [DeviceRegistry, PresenceTracker, DevicesService],
})
export class DevicesModule {}
