import type { AedesPublishPacket, Client } from 'aedes';
import type { GatewayConfig } from '../config/gateway-config.js';
import type { DeviceRegistry } from '../devices/device-registry.js';
import type { PresenceTracker } from '../devices/presence-tracker.js';
import type { GatewayMetrics } from '../observability/gateway-metrics.js';
import type { TenancyService } from '../tenancy/tenancy.service.js';
import type { AuthThrottle } from '../tenancy/auth-throttle.js';

/** What the broker's handlers need, handed to them once instead of looked up per packet. */
export interface BrokerContext {
  config: GatewayConfig;
  registry: DeviceRegistry;
  presence: PresenceTracker;
  metrics: GatewayMetrics;
  tenancy: TenancyService;
  /** Failed CONNECTs per client address and per identity. */
  throttle: AuthThrottle;
  /**
   * Called with every PUBLISH that passed the ACL, before Aedes acknowledges it (for QoS 1 Aedes writes the
   * PUBACK right after authorizePublish, so this is the last moment to make the message's effects durable).
   */
  accepted: AcceptedPublish;
}

export type AcceptedPublish = (packet: AedesPublishPacket, client: Client, done: (err?: Error | null) => void) => void;
