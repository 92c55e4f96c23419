import mqemitterRedis from 'mqemitter-redis';

/**
 * The Aedes message bus shared by every instance (REDIS_URL): a PUBLISH accepted by one instance reaches the
 * subscribers of all, so a downlink sent through A reaches a device connected to B, and B's reply reaches the
 * waitForReply on A. mqemitter-redis (Redis pub/sub), not mqemitter-mongodb: the capped-collection emitter
 * does not run on FerretDB v1.24 (it asks for noCursorTimeout, which FerretDB rejects; its tailable cursor
 * closes; and creating the capped collection races between instances).
 */
export function clusterEmitter(redisUrl: string): ReturnType<typeof mqemitterRedis> {
  return mqemitterRedis({ connectionString: redisUrl });
}
