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
   * Mosquitto's max_keepalive for MQTT 3.1.1: a CONNECT asking for keepalive 0 (none) or more than this is
   * refused with CONNACK 0x02. 0 turns the rule off (then keepalive 0 means a silent client stays forever).
   */
  @int() @IsInt() @Min(0) @Max(65535) MQTT_MAX_KEEPALIVE_S = 65535;
  @int() @IsInt() @Min(0) PRESENCE_OFFLINE_GRACE_MS = 0;
  /** Lets clients without credentials into an isolated topic space (for MQTT conformance suites). Off by default. */
  @bool() @IsBoolean({ message: 'MQTT_SANDBOX must be true or false' }) MQTT_SANDBOX = false;
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
  @int() @IsInt() @Min(1) @Max(3650) DELIVERY_RETENTION_DAYS = 30;
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
  return config;
}
