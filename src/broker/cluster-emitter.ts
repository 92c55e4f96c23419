import mqemitterRedis from 'mqemitter-redis';

/**
 * The Aedes message bus shared by every instance (REDIS_URL): a PUBLISH accepted by one instance reaches the
 * subscribers of all, so a downlink sent through A reaches a device connected to B, and B's reply reaches the
 * waitForReply on A. mqemitter-redis (Redis pub/sub), not mqemitter-mongodb: the capped-collection emitter
 * does not run on FerretDB v1.24 (it asks for noCursorTimeout, which FerretDB rejects; its tailable cursor
 * closes; and creating the capped collection races between instances).
 */
export function clusterEmitter(redisUrl: string, onError: (err: Error) => void): ReturnType<typeof mqemitterRedis> {
  const mq = mqemitterRedis({ connectionString: redisUrl });
  // Redis gone for a while is an outage of cross-instance MQTT, not a crash: ioredis reconnects by itself, and
  // mqemitter-redis reports each failure on `state` (an unhandled 'error' there would end the process).
  (mq as unknown as { state: NodeJS.EventEmitter }).state.on('error', onError);
  return mq;
}
