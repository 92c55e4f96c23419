import { Injectable } from '@nestjs/common';

export type RevocationListener = (identityId: string) => void;

/**
 * Credentials that stop being valid (a device or agent deleted, a token rotated or revoked). Whoever holds
 * live sessions (the broker) listens and closes them at once; whoever revokes needs to know nothing of it.
 */
@Injectable()
export class Revocations {
  private readonly listeners: RevocationListener[] = [];

  onRevoked(listener: RevocationListener): void {
    this.listeners.push(listener);
  }

  /** `identityId`: a device or agent id, or `token:<id>` for an API token. */
  revoke(identityId: string): void {
    for (const l of this.listeners) l(identityId);
  }
}
