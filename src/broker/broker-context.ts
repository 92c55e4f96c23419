import type { GatewayConfig } from '../config/gateway-config.js';
import type { DeviceRegistry } from '../devices/device-registry.js';
import type { PresenceTracker } from '../devices/presence-tracker.js';
import type { IngestRouter } from '../ingest/ingest-router.js';
import type { GatewayMetrics } from '../observability/gateway-metrics.js';
import type { TenancyService } from '../tenancy/tenancy.service.js';
import type { AuthThrottle } from '../tenancy/auth-throttle.js';
import type { RateLimitedLog } from '../observability/rate-limited-log.js';
import type { BlynkSession } from './blynk/blynk-session.js';

/** What the broker's handlers need, handed to them once (by BrokerService) instead of looked up per packet. */
export interface BrokerContext {
  config: GatewayConfig;
  registry: DeviceRegistry;
  presence: PresenceTracker;
  metrics: GatewayMetrics;
  tenancy: TenancyService;
  /** Where every PUBLISH that passed the ACL goes, before Aedes acknowledges it. */
  ingest: IngestRouter;
  /** Failed logins per client address (counted with HTTP's) and per identity. */
  throttle: AuthThrottle;
  /** Connections at info and refusals at warn, rate-limited: a reconnect storm must not flood the log. */
  connectionLog: RateLimitedLog;
  /** Blynk's device MQTT API, for devices that log in Blynk's way (blynk/). */
  blynk: BlynkSession;
}
