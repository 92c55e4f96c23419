// What a delivery keeps of its device (issue 19.2): what its callback can render, not the whole record. A
// device may hold hundreds of datastreams and kilobytes of metadata; a webhook's templates name a few.
import type { DeviceRecord } from '../../devices/device.model.js';
import type { GatewayEvent } from '../../events/gateway-event.js';
import type { Webhook } from '../../webhooks/webhook.model.js';
import type { DeviceSnapshot, MatchedEvent } from '../delivery.model.js';
import type { NameLookup } from '../../templates/name-lookup.js';
import { placeholderNames } from './template.js';

const DATASTREAM = 'device_dataStream_';
const METADATA = 'device_metadata_';
const PIN_ELEMENT = 'device_pinValue[';

/** Every text of the webhook that placeholders are filled into (request-renderer.ts renders these). */
function* templates(w: Webhook): Generator<string> {
  yield w.url;
  for (const k in w.headers) yield w.headers[k];
  if (w.body) yield w.body;
  for (const k in w.formBody) yield w.formBody[k];
}

/**
 * The device as `w`'s templates can read it now: the fixed fields the placeholders and the default payload
 * name, the template's name, and the datastreams and metadata keys named by a placeholder. A template edited
 * later that names another datastream renders it empty for deliveries matched before the edit.
 */
export function deviceSnapshot(
  device: DeviceRecord,
  event: GatewayEvent,
  w: Webhook,
  productName?: string,
): DeviceSnapshot {
  const values: DeviceSnapshot['values'] = {};
  const metadata: DeviceSnapshot['metadata'] = {};
  for (const text of templates(w)) {
    for (const name of placeholderNames(text)) {
      if (name.startsWith(DATASTREAM)) copy(device.values, name.slice(DATASTREAM.length), values);
      else if (name.startsWith(METADATA)) copy(device.metadata, name.slice(METADATA.length), metadata);
      else if (name.startsWith(PIN_ELEMENT) && event.key) copy(device.values, event.key, values);
    }
  }
  const { name, type, templateId, status, groupIds, createdAt } = device;
  return {
    name,
    type,
    templateId,
    ...(productName !== undefined ? { productName } : {}),
    status,
    groupIds: [...groupIds],
    createdAt,
    values,
    metadata,
  };
}

function copy<T>(from: Record<string, T>, key: string, to: Record<string, T>): void {
  if (Object.hasOwn(from, key)) to[key] = from[key];
}

/** What a delivery of `event` to `w` keeps: the event, its device as the templates can read it, the names. */
export function matchedEvent(
  w: Webhook,
  event: GatewayEvent,
  device: DeviceRecord | undefined,
  names: NameLookup,
): MatchedEvent {
  const productName = device?.templateId ? names.templateName(device.orgId, device.templateId) : undefined;
  const orgName = names.orgName(event.orgId);
  return {
    event,
    device: device ? deviceSnapshot(device, event, w, productName) : null,
    ...(orgName !== undefined ? { orgName } : {}),
  };
}
