/**
 * single-box: SQLite under DATA_DIR, one instance. shared-database: several instances on one MongoDB database
 * (MONGODB_URI), each keeping its MQTT state in memory. shared-database-and-bus: the same plus one Redis
 * (REDIS_URL) carrying MQTT messages, sessions, retained messages and the rate counts between them.
 */
export type DeploymentKind = 'single-box' | 'shared-database' | 'shared-database-and-bus';

/** Settings that mean something only where several instances share the database. */
const SHARED_DATABASE_SETTINGS = ['CLUSTER_POLL_MS', 'DELIVERY_CLAIM_LEASE_MS'] as const;

/**
 * How this gateway is deployed, decided once from the configuration; features ask it (the ConfigModule
 * provides it) and none reads MONGODB_URI or REDIS_URL. The few parts that connect take their URL here.
 */
export class DeploymentMode {
  readonly kind: DeploymentKind;
  /** Several instances may share the database: the change log, delivery claims and the connection ledger run. */
  readonly sharedDatabase: boolean;
  /**
   * A Redis every instance shares (the broker's messages, sessions and retained messages, rate counts). One box
   * on SQLite may have it too: its MQTT sessions and retained messages then live in Redis.
   */
  readonly sharedBus: boolean;
  /** MONGODB_URI: what the MongoDB driver connects to (undefined: SQLite). */
  readonly databaseUrl: string | undefined;
  /** REDIS_URL: what the broker, the rate limits and the readiness probe connect to (undefined: none). */
  readonly busUrl: string | undefined;

  constructor(config: { MONGODB_URI?: string; REDIS_URL?: string }) {
    this.databaseUrl = config.MONGODB_URI;
    this.busUrl = config.REDIS_URL;
    this.sharedDatabase = this.databaseUrl !== undefined;
    this.sharedBus = this.busUrl !== undefined;
    this.kind = !this.sharedDatabase ? 'single-box' : this.sharedBus ? 'shared-database-and-bus' : 'shared-database';
  }

  /** The storage line of the start banner. */
  describeStorage(dataDir: string): string {
    return this.sharedDatabase ? 'MongoDB (MONGODB_URI)' : `SQLite in ${dataDir}`;
  }
}

/**
 * A setup that would be silently ignored is refused at start: a setting of several instances on one database
 * (lease, change-log poll) given without the shared database. `given`: the variables the environment set.
 */
export function deploymentSetupErrors(config: { MONGODB_URI?: string }, given: string[]): string[] {
  if (config.MONGODB_URI !== undefined) return [];
  return SHARED_DATABASE_SETTINGS.filter((name) => given.includes(name)).map(
    (name) =>
      `${name} applies to several instances on one MongoDB database only: set MONGODB_URI too, or leave ${name} unset`,
  );
}
