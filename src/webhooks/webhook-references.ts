import { ApiError } from '../common/api-error.js';
import type { DeviceRegistry } from '../devices/device-registry.js';
import type { DataTrigger } from './webhook.model.js';

/**
 * Every device id a webhook names (`dataTrigger.deviceId`, Blynk's and Bold's `deviceIds`) must be a device of
 * the caller's organization; another org's device is refused exactly like a missing one (400 naming the field),
 * so neither Test nor matching can reach it. Ids already on the stored webhook are not re-checked, so a device
 * deleted later does not block unrelated updates. Template and group ids are org-scoped labels on devices:
 * matching compares them within the org only, so another org's template or group id matches (and reveals)
 * nothing, and they are not checked against existing devices (a template may be named before its first device).
 */
export function checkDeviceReferences(
  registry: DeviceRegistry,
  orgId: number,
  dt: DataTrigger | null,
  before: DataTrigger | null = null,
): void {
  if (!dt) return;
  const known = new Set([...(before?.deviceId ? [before.deviceId] : []), ...(before?.deviceIds ?? [])]);
  const check = (field: string, id: string) => {
    if (!known.has(id)) checkDeviceOfOrg(registry, orgId, field, id);
  };
  if (dt.deviceId) check('dataTrigger.deviceId', dt.deviceId);
  for (const id of dt.deviceIds ?? []) check('dataTrigger.deviceIds', id);
}

export function checkDeviceOfOrg(registry: DeviceRegistry, orgId: number, field: string, id: string): void {
  if (registry.device(id)?.orgId !== orgId)
    throw ApiError.badRequest(`${field}: device ${id} is not a device of this organization`);
}
