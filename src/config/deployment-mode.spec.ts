import { DeploymentMode } from './deployment-mode.js';
import { loadConfig } from './gateway-config.js';

const MONGO = 'mongodb://db.example:27017/gw';
const REDIS = 'redis://bus.example:6379';
const modeOf = (env: Record<string, string>) => new DeploymentMode(loadConfig(env));

describe('deployment mode', () => {
  it('is one box on SQLite without MONGODB_URI', () => {
    expect(modeOf({})).toEqual({
      kind: 'single-box',
      sharedDatabase: false,
      sharedBus: false,
      databaseUrl: undefined,
      busUrl: undefined,
    });
    expect(modeOf({}).describeStorage('/var/gw')).toBe('SQLite in /var/gw');
  });

  it('is a shared database with MONGODB_URI', () => {
    expect(modeOf({ MONGODB_URI: MONGO })).toEqual({
      kind: 'shared-database',
      sharedDatabase: true,
      sharedBus: false,
      databaseUrl: MONGO,
      busUrl: undefined,
    });
    expect(modeOf({ MONGODB_URI: MONGO }).describeStorage('/var/gw')).toBe('MongoDB (MONGODB_URI)');
  });

  it('is a shared database and bus with MONGODB_URI and REDIS_URL', () => {
    expect(modeOf({ MONGODB_URI: MONGO, REDIS_URL: REDIS })).toEqual({
      kind: 'shared-database-and-bus',
      sharedDatabase: true,
      sharedBus: true,
      databaseUrl: MONGO,
      busUrl: REDIS,
    });
  });

  it('keeps one box on SQLite whose MQTT sessions and retained messages live in Redis (REDIS_URL alone)', () => {
    expect(modeOf({ REDIS_URL: REDIS })).toMatchObject({ kind: 'single-box', sharedDatabase: false, sharedBus: true });
  });

  it.each(['CLUSTER_POLL_MS', 'DELIVERY_CLAIM_LEASE_MS'])(
    'refuses %s without MONGODB_URI, naming both settings',
    (name) => {
      expect(() => loadConfig({ [name]: '1000' })).toThrow(
        new RegExp(
          `^Invalid configuration: ${name} applies to several instances on one MongoDB database only: ` +
            `set MONGODB_URI too, or leave ${name} unset`,
        ),
      );
      expect(loadConfig({ [name]: '1000', MONGODB_URI: MONGO })).toMatchObject({ [name]: 1000 });
    },
  );
});
