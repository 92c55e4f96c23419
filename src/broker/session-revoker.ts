import type { Aedes } from 'aedes';
import type { Revocation } from '../events/revocations.js';
import { sessionId } from './handlers/connect-rules.js';
import type { SessionIndex } from './cluster-persistence.js';
import type { GatewayClient, Identity } from './identity.js';

/** The aedes-persistence calls a revocation uses (its typings declare fewer). */
interface SessionStore {
  cleanSubscriptions(client: { id: string }): Promise<void>;
  cleanIncoming?(client: { id: string }): Promise<void>;
  delWill(client: { id: string }): Promise<unknown>;
  outgoingStream(client: { id: string }): AsyncIterable<object>;
  outgoingClearMessageId(client: { id: string }, packet: object): Promise<unknown>;
  createRetainedStream(pattern: string): AsyncIterable<object>;
  storeRetained(packet: object): Promise<void>;
}

/**
 * Ends an identity's access to the broker: closes its live connections (without their wills) and, when the
 * credential ended, forgets its persistent sessions (subscriptions, queued and in-flight messages, will) and
 * the retained messages under `retainedUnder`, so an identity recreated under the same id starts with nothing
 * of its predecessor's.
 */
export class SessionRevoker {
  /**
   * @param persistent internal ids (see connect-rules.ts) of sessions opened with CleanSession=0: of this
   * instance, or of every instance when the session store is shared (REDIS_URL)
   */
  constructor(
    private readonly aedes: Aedes,
    private readonly persistent: SessionIndex,
  ) {
    aedes.on('client', (client) => {
      if (client.clean) this.persistent.delete(client.id);
      else this.persistent.add(client.id);
    });
  }

  async revoke(r: Revocation): Promise<void> {
    // Aedes keeps its live clients in `clients` (by client id); its typings do not declare it.
    const clients = (this.aedes as unknown as { clients?: Record<string, GatewayClient> }).clients ?? {};
    const closing: Promise<void>[] = [];
    for (const client of Object.values(clients)) {
      if (client.identity?.kind !== r.kind || client.identity.id !== r.id) continue;
      if (r.ended) (client as unknown as { will: unknown }).will = null;
      closing.push(new Promise((done) => client.close(() => done())));
    }
    await Promise.all(closing);
    if (!r.ended) return;
    const store = (this.aedes as unknown as { persistence: SessionStore }).persistence;
    await this.forgetSessions(store, sessionId({ kind: r.kind, id: r.id, orgId: 0 } as Identity, ''));
    if (r.retainedUnder) {
      for await (const packet of store.createRetainedStream(`${r.retainedUnder}#`) as AsyncIterable<object>) {
        await store.storeRetained({ ...packet, payload: Buffer.alloc(0) });
      }
    }
  }

  private async forgetSessions(store: SessionStore, prefix: string): Promise<void> {
    for (const sid of await this.persistent.matching(prefix)) {
      this.persistent.delete(sid);
      const who = { id: sid };
      await store.cleanSubscriptions(who);
      if (store.cleanIncoming) await store.cleanIncoming(who);
      await store.delWill(who);
      // One clear per queued packet empties the queue (each call removes one packet with that message id).
      for await (const packet of store.outgoingStream(who)) await store.outgoingClearMessageId(who, packet);
    }
  }
}
