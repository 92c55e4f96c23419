import { createHmac, createSecretKey, type KeyObject } from 'node:crypto';
import type { SignatureOption } from '../webhooks/webhook.model.js';

/** The key of a `whsec_<base64>` secret (Standard Webhooks), imported once as a KeyObject. */
export const signingKey = (secret: string): KeyObject =>
  createSecretKey(Buffer.from(secret.startsWith('whsec_') ? secret.slice(6) : secret, 'base64'));

/**
 * Standard Webhooks `webhook-signature`: `v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, one per key,
 * space-separated (two while a rotated secret is still valid).
 */
export function sign(keys: KeyObject[], messageId: string, timestampS: number, body: string): string {
  const signed = `${messageId}.${timestampS}.${body}`;
  // One key but during a rotation: no array or join per attempt.
  if (keys.length === 1) return `v1,${createHmac('sha256', keys[0]).update(signed).digest('base64')}`;
  return keys.map((k) => `v1,${createHmac('sha256', k).update(signed).digest('base64')}`).join(' ');
}

/** Bold's plain signature: hex HMAC-SHA256 of the raw body, keyed with the `secretHmac` text exactly as issued. */
export const hmacHex = (secretHmac: string, body: string): string =>
  createHmac('sha256', secretHmac).update(body).digest('hex');

/**
 * A webhook's own signature header (SignatureOption HMAC_SHA256): `prefix` + the hex or base64 HMAC-SHA256 of
 * the raw body (or of `<timestamp>.<body>` with signTimestamp), keyed with the secret's text as issued. One
 * signature, with the current secret: receivers of such headers compare one value.
 */
export function plainSignature(option: SignatureOption, secret: string, timestampS: number, body: string): string {
  const hmac = createHmac('sha256', secret);
  if (option.signTimestamp) hmac.update(`${timestampS}.`);
  return `${option.prefix ?? ''}${hmac.update(body).digest(option.encoding ?? 'hex')}`;
}
