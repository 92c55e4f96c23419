import { once } from 'node:events';
import mqemitterRedis from 'mqemitter-redis';

type Connection = NodeJS.EventEmitter & { status: string };

/**
 * The Aedes message bus shared by every instance (REDIS_URL): a PUBLISH accepted by one instance reaches the
 * subscribers of all, so a downlink sent through A reaches a device connected to B, and B's reply reaches the
 * waitForReply on A. mqemitter-redis (Redis pub/sub), not mqemitter-mongodb: the capped-collection emitter
 * does not run on FerretDB v1.24 (it asks for noCursorTimeout, which FerretDB rejects; its tailable cursor
 * closes; and creating the capped collection races between instances).
 */
export async function clusterEmitter(
  redisUrl: string,
  onError: (err: Error) => void,
): Promise<ReturnType<typeof mqemitterRedis>> {
  const mq = mqemitterRedis({ connectionString: redisUrl });
  // Redis gone for a while is an outage of cross-instance MQTT, not a crash: ioredis reconnects by itself, and
  // mqemitter-redis reports each failure on `state` (an unhandled 'error' there would end the process).
  const { state, subConn, pubConn } = mq as unknown as {
    state: NodeJS.EventEmitter;
    subConn: Connection;
    pubConn: Connection;
  };
  state.on('error', onError);
  // Both connections ready before the first subscription: a SUBSCRIBE queued ahead of ioredis' ready check
  // puts the connection in subscriber mode, the check's INFO then fails, and that subscription is lost.
  const ready = Promise.all([subConn, pubConn].map((c) => (c.status === 'ready' ? undefined : once(c, 'ready'))));
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`REDIS_URL: no Redis answered at ${redisUrl} within 10 s`)), 10_000);
  });
  try {
    await Promise.race([ready, late]);
  } finally {
    clearTimeout(timer);
  }
  return mq;
}
