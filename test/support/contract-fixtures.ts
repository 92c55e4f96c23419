import { type Device, newDevice } from '../../src/devices/device.model.js';
import type { Webhook } from '../../src/webhooks/webhook.model.js';

export const deviceFixture = (id: string, orgId: number): Device =>
  newDevice({ id, orgId, name: id, tokenHash: 'h' }, 1);

/** A webhook as the REST layer builds it, for storage tests. */
export const webhookFixture = (orgId: number, name: string): Omit<Webhook, 'id'> => ({
  orgId,
  name,
  description: '',
  trigger: 'DEVICE_STATUS',
  dataTrigger: { statuses: ['online'] },
  url: 'https://x.example',
  method: 'POST',
  contentType: 'JSON',
  authType: 'NONE',
  body: '',
  formBody: {},
  headers: {},
  basicAuth: null,
  bearerToken: null,
  oAuth2Request: null,
  httpSecret: null,
  failureReceivers: [],
  failureLimit: 10,
  status: 'ENABLED',
  attemptCount: 0,
  failureCount: 0,
  secret: 'sealed',
  previousSecret: null,
  previousSecretExpiresAt: null,
  createdAt: 1,
  lastModifiedTs: 1,
  lastTriggeredTs: null,
});
