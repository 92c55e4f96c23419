import { Redis } from 'ioredis';
import aedesPersistenceRedis from 'aedes-persistence-redis';

/**
 * Where the MQTT sessions of persistent clients (CleanSession=0: subscriptions, queued QoS 1/2 messages, will)
 * and the retained messages live when several instances share REDIS_URL: aedes-persistence-redis 12, so a
 * session left on one instance is resumed on another and a retained message published through one is sent
 * by all. v12, not the ^11 that aedes 1.2 names as its optional peer: v11 is built on aedes-persistence 10,
 * v12 on the aedes-persistence 11 that aedes 1.2 itself uses (package.json overrides the peer range). Its
 * subscription index is kept in step between instances over the message bus (clusterEmitter).
 */
export function clusterPersistence(redisUrl: string, onError: (err: Error) => void): unknown {
  const conn = new Redis(redisUrl);
  // ioredis reconnects by itself; an unhandled 'error' would end the process.
  conn.on('error', onError);
  return aedesPersistenceRedis({ conn });
}

/**
 * The persistent sessions (internal ids, see connect-rules.ts) a revocation must forget. One instance: a set
 * in memory of those opened there. Several: one Redis set for all, since a session opened on B lives on in
 * the shared store and a device deleted through A must not find it again.
 */
export interface SessionIndex {
  add(id: string): void;
  delete(id: string): void;
  /** The ids starting with `prefix`. */
  matching(prefix: string): Promise<string[]>;
  close(): Promise<void>;
}

export class LocalSessionIndex implements SessionIndex {
  private readonly ids = new Set<string>();
  add(id: string): void {
    this.ids.add(id);
  }
  delete(id: string): void {
    this.ids.delete(id);
  }
  matching(prefix: string): Promise<string[]> {
    return Promise.resolve([...this.ids].filter((id) => id.startsWith(prefix)));
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

const KEY = 'gateway:persistent-sessions';

export class RedisSessionIndex implements SessionIndex {
  private readonly redis: Redis;
  constructor(redisUrl: string, onError: (err: Error) => void) {
    this.redis = new Redis(redisUrl);
    this.redis.on('error', onError);
  }
  add(id: string): void {
    this.redis.sadd(KEY, id).catch(() => undefined); // reported by the connection's 'error'
  }
  delete(id: string): void {
    this.redis.srem(KEY, id).catch(() => undefined);
  }
  async matching(prefix: string): Promise<string[]> {
    const pattern = `${prefix.replace(/[*?[\]\\]/g, (c) => `\\${c}`)}*`;
    const out: string[] = [];
    let cursor = '0';
    do {
      const [next, ids] = await this.redis.sscan(KEY, cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      out.push(...ids);
    } while (cursor !== '0');
    return out;
  }
  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
