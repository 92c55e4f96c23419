import type { Device } from './device.model.js';

export const CONNECTION_LEDGER_REPOSITORY = Symbol('ConnectionLedgerRepository');

/** One instance holds at least one live MQTT connection of one owner (device or agent), since `at`. */
export interface HeldConnection {
  ownerId: string;
  instance: string;
  at: number;
}

/** A device's presence state, as the instance holding it announces it to the others. */
export type PresenceState = Pick<Device, 'status' | 'seq' | 'lastSeen' | 'firstConnectedAt'>;

/** An announcement: whose state it is, and the state. */
export interface AnnouncedPresence extends PresenceState {
  deviceId: string;
  orgId: number;
}

/**
 * Presence across several instances on one database (MONGODB_URI only; SQLite serves one instance): which
 * instance holds each owner's connections, which instances are alive, and the presence state each instance
 * announces to the others. Every entry is written by its own instance only, so no two writers race one
 * document (FerretDB v1.24 does not apply concurrent updates atomically: see src/storage/mongo/ids.ts).
 */
export interface ConnectionLedgerRepository {
  hold(instance: string, ownerIds: string[]): Promise<void>;
  /** Every entry of these owners, whichever instance holds them. */
  holders(ownerIds: string[]): Promise<HeldConnection[]>;
  /** Every entry of an instance not among these (dead ones, or this one's before it restarted). */
  heldOutside(instances: string[]): Promise<HeldConnection[]>;
  /** Removes entries: this instance's own, or a dead instance's by whichever swept it (by id: idempotent). */
  release(entries: Pick<HeldConnection, 'ownerId' | 'instance'>[]): Promise<void>;
  /** Instances whose lease runs at `now` (the leases the delivery claims heartbeat renews). */
  liveInstances(now: number): Promise<Set<string>>;
  /**
   * Arbitrates transitions made on behalf of a dead instance: each key is won by exactly one caller, by a
   * unique insert (atomic on MongoDB and FerretDB alike, unlike a compare-and-set update). Returns the keys
   * this caller won.
   */
  claimTransitions(keys: string[]): Promise<Set<string>>;
  /**
   * Tells the other instances (change log); the device documents follow with the holder's write-behind.
   */
  announce(presence: AnnouncedPresence[]): Promise<void>;
  /** Drops arbitration records older than `ts`. */
  prune(ts: number): Promise<void>;
}
