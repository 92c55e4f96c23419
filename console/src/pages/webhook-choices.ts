import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import { useCan } from '../me';
import type { Device, PageOf, Template } from '../types';
import type { Choice } from '../ui/picker';

/** At most this many devices and templates are offered (the API's largest page); typing filters them. */
const MAX = 1000;

export interface WebhookChoices {
  devices: Choice[];
  templates: Choice[];
  /** Datastreams the scoped device (or the template's devices, or every device) has reported. */
  datastreams(scopeKind: string, scopeId: string): Choice[];
}

/** The pickers' lists, read once per form from the API (devices with their last values, templates). */
export function useWebhookChoices(): WebhookChoices {
  const can = useCan();
  const [devices, setDevices] = useState<Device[]>([]);
  const [templates, setTemplates] = useState<Template[]>([]);
  useEffect(() => {
    if (can('devices.get'))
      api<PageOf<Device>>(`devices?size=${MAX}`).then(
        (p) => setDevices(p.items),
        () => setDevices([]),
      );
    if (can('templates.get'))
      api<PageOf<Template>>(`templates?size=${MAX}`).then(
        (p) => setTemplates(p.items),
        () => setTemplates([]),
      );
  }, []);
  return {
    devices: devices.map((d) => ({ id: d.id, name: d.name })),
    templates: templates.map((t) => ({ id: t.id, name: t.name })),
    datastreams(scopeKind, scopeId) {
      const from = devices.filter((d) =>
        scopeKind === 'deviceId' && scopeId
          ? d.id === scopeId
          : scopeKind === 'templateId' && scopeId
            ? d.templateId === scopeId
            : true,
      );
      const names = [...new Set(from.flatMap((d) => Object.keys(d.values)))].sort();
      return names.map((n) => ({ id: n, name: `${from.filter((d) => n in d.values).length} device(s)` }));
    },
  };
}
