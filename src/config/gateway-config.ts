import { plainToInstance, Transform } from 'class-transformer';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import {
  ArrayMinSize,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  validateSync,
} from 'class-validator';
import { deploymentSetupErrors } from './deployment-mode.js';

// Each variable is parsed once, here, into its type: handlers read booleans and numbers, never strings.
const int = () =>
  Transform(({ value }) =>
    value === undefined || value === '' ? undefined : /^-?\d+$/.test(String(value)) ? Number(value) : value,
  );
const bool = () =>
  Transform(({ value }) =>
    typeof value !== 'string' ? value : value === 'true' ? true : value === 'false' ? false : value,
  );
const list = (item: (s: string) => unknown = (s) => s) =>
  Transform(({ value }) =>
    typeof value === 'string' && /^[^,]*(,[^,]+)*$/.test(value)
      ? value
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)
          .map(item)
      : value,
  );
const millis = (s: string) => (/^\d+$/.test(s) ? Number(s) : NaN);

/** Every environment variable the gateway reads, with its rule and default. A wrong value stops start-up. */
export class GatewayConfig {
  @int() @IsInt() @Min(0) @Max(65535) HTTP_PORT = 3000;
  @IsString() HTTP_HOST = '0.0.0.0';
  @int() @IsInt() @Min(0) @Max(65535) MQTT_PORT = 1883;
  @IsString() MQTT_HOST = '0.0.0.0';
  @Matches(/^\/[A-Za-z0-9/_-]*$/, { message: 'MQTT_WS_PATH must be a URL path starting with /' }) MQTT_WS_PATH =
    '/mqtt';
  @IsOptional() @IsString() MQTT_TLS_CERT?: string = undefined;
  @IsOptional() @IsString() MQTT_TLS_KEY?: string = undefined;
  @int() @IsInt() @Min(0) @Max(65535) MQTT_TLS_PORT = 8883;
  @IsString() DATA_DIR = './data';
  @IsOptional()
  @Matches(/^mongodb(\+srv)?:\/\//, { message: 'MONGODB_URI must start with mongodb:// or mongodb+srv://' })
  MONGODB_URI?: string = undefined;
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{24,128}$/, { message: 'GATEWAY_ADMIN_TOKEN must be 24-128 characters of [A-Za-z0-9_-]' })
  GATEWAY_ADMIN_TOKEN?: string = undefined;
  @IsOptional()
  @Matches(/^[A-Za-z0-9+/]{43}=$/, {
    message: 'GATEWAY_SECRET_KEY must be 32 bytes in base64 (openssl rand -base64 32)',
  })
  GATEWAY_SECRET_KEY?: string = undefined;
  @bool() @IsBoolean({ message: 'WEBHOOK_ALLOW_HTTP must be true or false' }) WEBHOOK_ALLOW_HTTP = false;
  @int() @IsInt() @Min(1024) @Max(268435455) MQTT_MAX_PACKET_BYTES = 262144;
  @int() @IsInt() @Min(1) @Max(10000) MQTT_MAX_SUBSCRIPTIONS = 100;
  @int() @IsInt() @Min(100) MQTT_CONNECT_TIMEOUT_MS = 10000;
  @int() @IsInt() @Min(0) @Max(65535) MQTT_KEEPALIVE_LIMIT_S = 0;
  /**
   * How often an instance tells the others it is alive (Aedes' heartbeatInterval). With REDIS_URL, the wills
   * of an instance silent for 3 heartbeats are published by the others, who look every 4.
   */
  @int() @IsInt() @Min(100) MQTT_HEARTBEAT_MS = 60000;
  /**
   * Mosquitto's max_keepalive for MQTT 3.1.1: when set, a CONNECT asking for keepalive 0 (none) or more than
   * this is refused with CONNACK 0x02. 0 (the default, as Mosquitto's code default) turns the rule off: clients
   * with keepalive 0 connect, and a silent one is noticed by TCP keepalive only.
   */
  @int() @IsInt() @Min(0) @Max(65535) MQTT_MAX_KEEPALIVE_S = 0;
  /** Outgoing bytes queued for a connection (its socket does not drain) past which QoS 0 messages to it are dropped. */
  @int() @IsInt() @Min(16384) MQTT_MAX_QUEUED_QOS0_BYTES = 1048576;
  /** Outgoing bytes queued for a connection past which it is closed: QoS 1/2 messages are queued up to here. */
  @int() @IsInt() @Min(16384) MQTT_MAX_QUEUED_BYTES = 8388608;
  /** A connection whose socket has not drained for this long is closed (Aedes' drainTimeout). */
  @int() @IsInt() @Min(100) @Max(600000) MQTT_DRAIN_TIMEOUT_MS = 30000;
  /** Inbound QoS 2 PUBLISHes awaiting PUBREL per connection; one more closes it (Aedes' maxInflightInbound). */
  @int() @IsInt() @Min(1) @Max(65535) MQTT_MAX_INFLIGHT_QOS2 = 1000;
  /** Their bytes (topic + payload) per connection; one more closes it. At least MQTT_MAX_PACKET_BYTES applies. */
  @int() @IsInt() @Min(1024) MQTT_MAX_INFLIGHT_QOS2_BYTES = 16777216;
  @int() @IsInt() @Min(0) PRESENCE_OFFLINE_GRACE_MS = 0;
  /** Lets clients without credentials into an isolated topic space (for MQTT conformance suites). Off by default. */
  @bool() @IsBoolean({ message: 'MQTT_SANDBOX must be true or false' }) MQTT_SANDBOX = false;
  /**
   * What one device may store (its registry record, what GET /devices/{id} returns): datastreams, the bytes of
   * one value (a datastream payload, or one value of a batch, as JSON), metadata keys and the bytes of all its
   * metadata as JSON. Past a bound an MQTT message is dropped (gateway_messages_dropped_total{reason}) and a
   * REST write answered 400 naming the bound; what is stored already is kept.
   */
  @int() @IsInt() @Min(1) @Max(100000) DEVICE_MAX_DATASTREAMS = 256;
  @int() @IsInt() @Min(16) @Max(268435455) DEVICE_MAX_VALUE_BYTES = 4096;
  @int() @IsInt() @Min(0) @Max(100000) DEVICE_MAX_METADATA_KEYS = 100;
  @int() @IsInt() @Min(2) @Max(268435455) DEVICE_MAX_METADATA_BYTES = 65536;
  /** Interval of every write-behind: presence and last values, webhook counters, trigger states. */
  @int() @IsInt() @Min(10) WRITE_BEHIND_FLUSH_MS = 200;
  /** Delay before each attempt, the first one included; its length is the number of attempts (Svix-like). */
  @list(millis)
  @ArrayMinSize(1, { message: 'WEBHOOK_RETRY_SCHEDULE_MS must be a comma-separated list of milliseconds' })
  @IsInt({ each: true, message: 'WEBHOOK_RETRY_SCHEDULE_MS must be a comma-separated list of milliseconds' })
  WEBHOOK_RETRY_SCHEDULE_MS: number[] = [0, 5000, 300000, 1800000, 7200000, 18000000, 36000000, 36000000];
  /** CIDRs and host names that outbound webhooks may reach although private/loopback/link-local. */
  @list()
  @Matches(/^[A-Za-z0-9.:/*_-]+$/, {
    each: true,
    message: 'WEBHOOK_ALLOWED_TARGETS must be a comma-separated list of CIDRs or host names',
  })
  WEBHOOK_ALLOWED_TARGETS: string[] = [];
  @int() @IsInt() @Min(100) @Max(120000) WEBHOOK_TIMEOUT_MS = 10000;
  @int() @IsInt() @Min(0) @Max(1048576) WEBHOOK_MAX_RESPONSE_BYTES = 16384;
  @int() @IsInt() @Min(1) @Max(256) WEBHOOK_CONCURRENCY = 8;
  @IsIn(['undici', 'axios'], { message: 'WEBHOOK_HTTP_CLIENT must be undici or axios' }) WEBHOOK_HTTP_CLIENT:
    'undici' | 'axios' = 'undici';
  /**
   * A webhook disabled due to errors keeps recording what matches (held) up to this many unfinished deliveries;
   * past it the oldest expire (dropped, reason held_expired), so a gone endpoint cannot fill the disk.
   */
  @int() @IsInt() @Min(1) @Max(100_000_000) WEBHOOK_HELD_MAX = 100_000;
  @int() @IsInt() @Min(1) @Max(3650) DELIVERY_RETENTION_DAYS = 30;
  /** Datastream history (devices/history/): every value kept, written behind in batches; false keeps last values only. */
  @bool() @IsBoolean({ message: 'HISTORY_ENABLED must be true or false' }) HISTORY_ENABLED = true;
  /** The global cap on history's age; an organization may keep less (history-retention), never more. */
  @int() @IsInt() @Min(1) @Max(3650) HISTORY_MAX_AGE_DAYS = 30;
  /** The global cap on values kept per datastream (the newest); an organization may keep fewer. */
  @int() @IsInt() @Min(1) @Max(100_000_000) HISTORY_MAX_POINTS_PER_DATASTREAM = 100_000;
  /** History rows held in memory while storage cannot take them; past it the oldest are dropped (counted). */
  @int() @IsInt() @Min(1000) @Max(10_000_000) HISTORY_BUFFER_MAX = 200_000;
  /** How often the pruner deletes history beyond retention (a bounded amount per run). */
  @int() @IsInt() @Min(100) @Max(86_400_000) HISTORY_PRUNE_INTERVAL_MS = 60_000;
  /**
   * How long a stop waits for the delivery log's last write. Past it the gateway exits anyway: the deliveries
   * whose latest state was not written stay pending in storage and are sent again (same webhook-id).
   */
  @int() @IsInt() @Min(0) @Max(600000) DELIVERY_LOG_SHUTDOWN_MS = 3000;
  /** At most this many of one webhook's unfinished deliveries in memory; the rest are paged in from storage. */
  @int() @IsInt() @Min(8) @Max(100000) DELIVERY_WINDOW = 1000;
  @IsOptional()
  @Matches(/^smtps?:\/\//, { message: 'SMTP_URL must start with smtp:// or smtps://' })
  SMTP_URL?: string = undefined;
  @IsString() SMTP_FROM = 'Device gateway <gateway@localhost>';
  /** How long an inbound webhook with waitForReply (or a REST command) waits for the device's reply. */
  @int() @IsInt() @Min(100) @Max(300000) INBOUND_REPLY_TIMEOUT_MS = 30000;
  /** Blynk's API rate: REST requests per organization per minute before 429 (0: no limit). */
  @int() @IsInt() @Min(0) API_RATE_LIMIT_PER_MINUTE = 10000;
  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']) LOG_LEVEL = 'info';
  /** How often the activity summary lines (deliveries per outcome, MQTT connections, inbound calls) are logged. */
  @int() @IsInt() @Min(100) @Max(3600000) LOG_SUMMARY_MS = 60000;
  /** auto: readable lines on a terminal, JSON lines otherwise. */
  @IsIn(['auto', 'json', 'pretty'], { message: 'LOG_FORMAT must be auto, json or pretty' }) LOG_FORMAT:
    'auto' | 'json' | 'pretty' = 'auto';
  /**
   * This instance's name among several on one database (MONGODB_URI): owner of its delivery claims. Keep it
   * stable across restarts (a restart then resumes its own claims at once); two live instances must differ.
   */
  @Matches(/^[A-Za-z0-9._:-]{1,64}$/, { message: 'GATEWAY_INSTANCE_ID must be 1-64 characters of [A-Za-z0-9._:-]' })
  GATEWAY_INSTANCE_ID = `${hostname()
    .replace(/[^A-Za-z0-9._:-]/g, '-')
    .slice(0, 40)}-${randomBytes(4).toString('hex')}`;
  /** With MONGODB_URI: a delivery claim's lease; a dead instance's deliveries are taken over after it. */
  @int() @IsInt() @Min(500) @Max(600000) DELIVERY_CLAIM_LEASE_MS = 10000;
  /** Several instances: the Redis server (redis://host:port) whose pub/sub carries MQTT messages between them. */
  @IsOptional()
  @Matches(/^rediss?:\/\//, { message: 'REDIS_URL must start with redis:// or rediss://' })
  REDIS_URL?: string = undefined;
  /** Open event streams (GET /api/v1/organization/events) one API token may hold; past it 429. */
  @int() @IsInt() @Min(1) @Max(10000) EVENT_STREAMS_PER_TOKEN = 10;
  /** Open event streams per organization; past it 429. */
  @int() @IsInt() @Min(1) @Max(100000) EVENT_STREAMS_PER_ORG = 100;
  /** Bytes of events kept per organization for Last-Event-ID resumption (besides the 1,000-event bound). */
  @int() @IsInt() @Min(0) EVENT_STREAM_RESUME_BYTES_PER_ORG = 2 * 1024 * 1024;
  /** Bytes of events kept for resumption by every organization together. */
  @int() @IsInt() @Min(0) EVENT_STREAM_RESUME_BYTES_TOTAL = 64 * 1024 * 1024;
  /** A stream whose reader falls this many bytes behind is cut off (it reconnects with Last-Event-ID). */
  @int() @IsInt() @Min(1024) EVENT_STREAM_MAX_BUFFERED_BYTES = 1024 * 1024;
  /** With MONGODB_URI: how often each instance polls the change log of REST writes made through the others. */
  @int() @IsInt() @Min(20) @Max(10000) CLUSTER_POLL_MS = 250;
}

/** Validates `process.env` (or any record) and returns typed config, or throws naming each bad variable. */
export function loadConfig(env: Record<string, string | undefined>): GatewayConfig {
  const known = Object.keys(new GatewayConfig());
  const present = Object.fromEntries(
    known.filter((k) => env[k] !== undefined && env[k] !== '').map((k) => [k, env[k]]),
  );
  const config = plainToInstance(GatewayConfig, present);
  const errors = validateSync(config, { forbidUnknownValues: false });
  if (Boolean(config.MQTT_TLS_CERT) !== Boolean(config.MQTT_TLS_KEY)) {
    throw new Error('Invalid configuration: MQTT_TLS_CERT and MQTT_TLS_KEY must be set together');
  }
  if (errors.length > 0) {
    const lines = errors.map(
      (e) => `  ${e.property}=${JSON.stringify(env[e.property])}: ${Object.values(e.constraints ?? {}).join('; ')}`,
    );
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const wrongSetup = deploymentSetupErrors(config, Object.keys(present));
  if (wrongSetup.length > 0) throw new Error(`Invalid configuration: ${wrongSetup.join('; ')}`);
  if (config.MQTT_MAX_QUEUED_BYTES < config.MQTT_MAX_QUEUED_QOS0_BYTES) {
    throw new Error('Invalid configuration: MQTT_MAX_QUEUED_BYTES must be at least MQTT_MAX_QUEUED_QOS0_BYTES');
  }
  return config;
}
