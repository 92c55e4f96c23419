import type { PublishPacket } from 'aedes';
import type { BrokerContext } from '../broker-context.js';
import type { Identity } from '../identity.js';
import { serviceCredential } from '../../tenancy/tenancy.service.js';
import { sessionOwner } from './connect-rules.js';

/**
 * A will as the session store keeps it: aedes-persistence(-redis) `putWill` adds the session's internal id
 * (`clientId`, see connect-rules.ts) and the instance holding the connection (`brokerId`); the gateway adds
 * the identity's organization at CONNECT (`orgId`, connect.ts), the one part of an identity its session id
 * does not name.
 */
export type StoredWill = PublishPacket & { clientId?: string; brokerId?: string; orgId?: number };

/**
 * Who set a will published with no client: Aedes' sweep (aedes.js `_clearWills`) publishes the stored wills of
 * an instance silent for three heartbeats (MQTT_HEARTBEAT_MS), one that died with its connections open, from
 * the shared session store (REDIS_URL). The identity is read back from the session id and checked as it is
 * now: a device, agent or API token deleted since is no one, and its will is dropped.
 */
export async function sweptWillOwner(ctx: BrokerContext, will: StoredWill): Promise<Identity | null> {
  const owner = will.clientId === undefined ? null : sessionOwner(will.clientId);
  switch (owner?.kind) {
    case 'device': {
      const device = ctx.registry.device(owner.id);
      return device ? { kind: 'device', id: device.id, orgId: device.orgId } : null;
    }
    case 'agent': {
      const agent = ctx.registry.agent(owner.id);
      return agent ? { kind: 'agent', id: agent.id, orgId: agent.orgId } : null;
    }
    case 'service': {
      if (typeof will.orgId !== 'number') return null;
      const tokens = await ctx.tenancy.listTokens(will.orgId);
      const live = tokens.some((t) => serviceCredential(t.id) === owner.id);
      return live ? { kind: 'service', id: owner.id, orgId: will.orgId } : null;
    }
    case 'sandbox':
      return ctx.config.MQTT_SANDBOX ? { kind: 'sandbox', id: 'sandbox:', orgId: 0 } : null;
    default:
      return null;
  }
}
