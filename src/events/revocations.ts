import { Injectable } from '@nestjs/common';

/** A credential that stopped being valid. */
export interface Revocation {
  kind: 'device' | 'agent' | 'service';
  /** A device or agent id, or `token:<id>` for an API token's service sessions. */
  id: string;
  /** Deleted or revoked, not just re-keyed: its persistent sessions are forgotten too. */
  ended: boolean;
  /** Retained messages under this topic prefix are dropped too (a deleted device's `devices/{id}/`). */
  retainedUnder?: string;
}

export type RevocationListener = (revocation: Revocation) => void | Promise<void>;

/**
 * Credentials that stop being valid (a device or agent deleted, a token rotated or revoked). Whoever holds
 * live sessions (the broker) listens and ends them; whoever revokes needs to know nothing of it, and its
 * answer waits until they are ended.
 */
@Injectable()
export class Revocations {
  private readonly listeners: RevocationListener[] = [];

  onRevoked(listener: RevocationListener): void {
    this.listeners.push(listener);
  }

  async revoke(revocation: Revocation): Promise<void> {
    for (const l of this.listeners) await l(revocation);
  }
}
