import { ApiError } from '../../common/api-error.js';
import { DEVICE_STATUSES } from '../../devices/device.model.js';
import type { DataTrigger, Webhook } from '../webhook.model.js';
import { BOLD_TOPICS, type CreateBoldWebhookDto } from './bold-webhooks.dto.js';

// One Bold subscription is one webhook of trigger DEVICE_EVENTS (origin 'bold'): its topics become statuses and
// log-event codes, its numeric device and group ids our string ids. Both directions live here.

type Topic = (typeof BOLD_TOPICS)[number];
const CODES = {
  DeviceActivationEvents: 'activation',
  DeviceDeactivationEvents: 'deactivation',
  DeviceTamperEvents: 'tamper',
} as const;

/** Bold's view of a subscription (its request's fields; no secrets, as GET_v2_shares shows no tokens). */
export interface BoldSubscription {
  id: number;
  organizationId: number;
  deviceIds: (number | string)[];
  deviceGroupIds: (number | string)[];
  webhookUrl: string;
  topics: Topic[];
}

/** Bold's "<entity> not found" (its sibling pages: "Device/Gateway not found"). */
export const subscriptionNotFound = () => new ApiError(404, 'NotFound', 'Webhook not found');

/** The dataTrigger of a Bold request; unknown devices of the org are refused, naming them. */
export function dataTriggerOf(dto: CreateBoldWebhookDto, isOwnDevice: (id: string) => boolean): DataTrigger {
  const deviceIds = (dto.deviceIds ?? []).map(String);
  if (!deviceIds.length && !dto.deviceGroupIds?.length)
    throw ApiError.badRequest('deviceIds or deviceGroupIds must name at least one device or group');
  const unknown = deviceIds.filter((id) => !isOwnDevice(id));
  if (unknown.length) throw ApiError.badRequest(`deviceIds: unknown devices ${unknown.join(', ')}`, 'UnknownDevices');
  const eventCodes = dto.topics.flatMap((t) => (t === 'DeviceStatusEvents' ? [] : [CODES[t]]));
  return {
    ...(dto.topics.includes('DeviceStatusEvents') ? { statuses: [...DEVICE_STATUSES] } : {}),
    ...(eventCodes.length ? { eventCodes: [...new Set(eventCodes)] } : {}),
    ...(deviceIds.length ? { deviceIds } : {}),
    ...(dto.deviceGroupIds?.length ? { deviceGroupIds: dto.deviceGroupIds.map(String) } : {}),
  };
}

/** Bold's ids are numbers: ours that read as one are shown as one. */
const boldId = (id: string): number | string => (/^\d{1,15}$/.test(id) ? Number(id) : id);

/** From the webhook's view (credential-named query values in its URL masked). */
export function subscriptionOf(w: Pick<Webhook, 'id' | 'url' | 'dataTrigger'>, orgId: number): BoldSubscription {
  const dt = w.dataTrigger ?? {};
  const codes = new Set(dt.eventCodes ?? []);
  const topics = BOLD_TOPICS.filter((t) =>
    t === 'DeviceStatusEvents' ? (dt.statuses?.length ?? 0) > 0 : codes.has(CODES[t]),
  );
  return {
    id: w.id,
    organizationId: orgId,
    deviceIds: (dt.deviceIds ?? []).map(boldId),
    deviceGroupIds: (dt.deviceGroupIds ?? []).map(boldId),
    webhookUrl: w.url,
    topics,
  };
}
