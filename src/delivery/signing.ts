import { createHmac } from 'node:crypto';

/** The key of a `whsec_<base64>` secret (Standard Webhooks). */
export const signingKey = (secret: string): Buffer => Buffer.from(secret.startsWith('whsec_') ? secret.slice(6) : secret, 'base64');

/**
 * Standard Webhooks `webhook-signature`: `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, one per key,
 * space-separated (two while a rotated secret is still valid).
 */
export function sign(keys: Buffer[], messageId: string, timestampS: number, body: string): string {
  return keys.map((k) => `v1,${createHmac('sha256', k).update(`${messageId}.${timestampS}.${body}`).digest('base64')}`).join(' ');
}
