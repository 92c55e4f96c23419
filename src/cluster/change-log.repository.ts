import type { PresenceState } from '../devices/connection-ledger.repository.js';

export const CHANGE_LOG_REPOSITORY = Symbol('ChangeLogRepository');

/**
 * What a REST write changed: the follower of every other instance reloads it. `presence`: a device's status
 * changed on the instance holding its connection (not a REST write). `token`: an API token was revoked (deleted;
 * token ids are never reused, so applying one again is harmless): the others end the sessions opened with it.
 */
export const CHANGE_KINDS = ['webhook', 'device', 'agent', 'presence', 'token'] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

export interface ChangeRecord {
  /** Dense and increasing: each record is inserted only after the one before it exists. */
  seq: number;
  kind: ChangeKind;
  orgId: number;
  /** The id of what changed (webhook ids as decimal strings). */
  key: string;
  /** `presence` only: the device's presence as the instance holding it announced it. */
  presence?: PresenceState;
  /** The instance that made the change (it does not reload its own). */
  origin: string;
  at: number;
}

/**
 * The change log several instances on one database follow in place of change streams (which FerretDB v1.24
 * does not implement): the mongo driver appends a record on every create, REST update and delete of the
 * cached entities; each instance polls for records after the last one it applied.
 */
export interface ChangeLogRepository {
  since(seq: number, limit: number): Promise<ChangeRecord[]>;
  /** The seq before the first record written at or after `ts` (where a follower starting now begins). */
  seqBefore(ts: number): Promise<number>;
  /** Drops records older than `ts`. */
  prune(ts: number): Promise<void>;
}
