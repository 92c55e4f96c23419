import { Module } from '@nestjs/common';
import { DeploymentMode } from '../config/deployment-mode.js';
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
import { StopReport } from '../observability/stop-report.js';

/** The device and agent registry, presence, datastream history, and their REST resources. */
@Module({
  controllers: [DevicesController, AgentsController, HistoryController, HistoryRetentionController],
  providers: [
    HistoryRecorder,
    DeviceRegistry,
    {
      // Only where several instances share the database (the deployment mode); SQLite serves one instance.
      provide: ClusterPresence,
      useFactory: (
        mode: DeploymentMode,
        ledger: ConnectionLedgerRepository | null,
        devices: DeviceRepository,
        r: DeviceRegistry,
        c: GatewayConfig,
        stop: StopReport,
      ) => (mode.sharedDatabase && ledger ? new ClusterPresence(ledger, devices, r, c, stop) : null),
      inject: [
        DeploymentMode,
        CONNECTION_LEDGER_REPOSITORY,
        DEVICE_REPOSITORY,
        DeviceRegistry,
        GatewayConfig,
        StopReport,
      ],
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
