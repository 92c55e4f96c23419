import { DEVICE_STATUSES, STATUS_EVENT_KIND } from '../devices/device.model.js';
import type { EventKind } from '../events/gateway-event.js';
import type { Trigger, Webhook } from './webhook.model.js';

/** Which event kind each trigger type sees (docs/architecture.md §4); the event key comes from dataTrigger. */
const KIND_OF: Partial<Record<Trigger, EventKind>> = {
  NEW_USER: 'user.added',
  UPDATED_USER: 'user.updated',
  DELETED_USER: 'user.deleted',
  ORGANIZATION_ADDED: 'organization.added',
  DEVICE_ADDED: 'device.added',
  DEVICE_DELETED: 'device.deleted',
  FIRST_DEVICE_CONNECTION_IN_ORG: 'device.first_connection',
  DEVICE_DATASTREAM_UPDATE: 'datastream.update',
  PRODUCT_DATASTREAM_UPDATE: 'datastream.update',
  GLOBAL_PRODUCT_DATASTREAM_UPDATE: 'datastream.update',
  DEVICE_LOG_EVENT: 'log.event',
  PRODUCT_LOG_EVENT: 'log.event',
  GLOBAL_PRODUCT_LOG_EVENT: 'log.event',
  INBOUND_WEBHOOK_RECEIVED: 'inbound.received',
};

/** The (kind, key) pairs a webhook listens to. */
export function listensTo(w: Pick<Webhook, 'trigger' | 'dataTrigger'>): { kind: EventKind; key: string }[] {
  const dt = w.dataTrigger;
  const statuses = () =>
    (dt?.statuses?.length ? dt.statuses : DEVICE_STATUSES).map((s) => ({ kind: STATUS_EVENT_KIND[s], key: '' }));
  if (w.trigger === 'DEVICE_STATUS') return statuses();
  if (w.trigger === 'DEVICE_EVENTS') {
    return [
      ...(dt?.statuses?.length ? statuses() : []),
      ...(dt?.eventCodes ?? []).map((code) => ({ kind: 'log.event' as const, key: code })),
    ];
  }
  const kind = KIND_OF[w.trigger]!;
  const key = kind === 'datastream.update' ? (dt?.dataStream ?? '') : kind === 'log.event' ? (dt?.eventCode ?? '') : '';
  return [{ kind, key }];
}
