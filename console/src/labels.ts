// Human words for the API's enum values (issue 22): the form and the lists show these, the API keeps its names.

export const TRIGGER_LABELS: Record<string, string> = {
  DEVICE_STATUS: 'Device status (Kobiton)',
  DEVICE_DATASTREAM_UPDATE: 'Device datastream update',
  PRODUCT_DATASTREAM_UPDATE: 'Template datastream update',
  GLOBAL_PRODUCT_DATASTREAM_UPDATE: 'Template datastream update, every organization',
  DEVICE_LOG_EVENT: 'Device log event',
  PRODUCT_LOG_EVENT: 'Template log event',
  GLOBAL_PRODUCT_LOG_EVENT: 'Template log event, every organization',
  DEVICE_ADDED: 'Device added',
  DEVICE_DELETED: 'Device deleted',
  FIRST_DEVICE_CONNECTION_IN_ORG: 'First device connection in the organization',
  NEW_USER: 'User added',
  UPDATED_USER: 'User updated',
  DELETED_USER: 'User deleted',
  ORGANIZATION_ADDED: 'Organization added',
  INBOUND_WEBHOOK_RECEIVED: 'Inbound webhook received',
  DEVICE_EVENTS: 'Device events (Bold)',
};

/** Level ops fire on the crossing (src/triggers/conditions.ts), not on every value past the threshold. */
export const OP_LABELS: Record<string, string> = {
  any: 'is updated',
  changed: 'changes',
  eq: 'becomes equal to',
  neq: 'becomes different from',
  gt: 'crosses above',
  gte: 'reaches or crosses above',
  lt: 'crosses below',
  lte: 'reaches or crosses below',
  between: 'enters the range',
  outside: 'leaves the range',
};

export const CONTENT_TYPE_LABELS: Record<string, string> = {
  JSON: 'JSON',
  PLAIN_TEXT: 'Plain text',
  URL_ENCODED_FORM: 'Form (URL-encoded)',
};

export const AUTH_LABELS: Record<string, string> = {
  NONE: 'None',
  BASIC: 'Basic (user and password)',
  BEARER: 'Bearer token',
  OAUTH2: 'OAuth2 client credentials',
};

/** Kobiton's four device events, by the names its portal gives them. */
export const STATUS_LABELS: Record<string, string> = {
  online: 'Device online',
  offline: 'Device offline',
  utilizing: 'Device utilizing',
  unplugged: 'Device unplugged',
};

/** Event names of the delivery log (src/events/device-event.ts). */
export const EVENT_LABELS: Record<string, string> = {
  'device.added': 'Device added',
  'device.deleted': 'Device deleted',
  'device.first_connection': 'First device connection',
  'device.status.online': 'Device online',
  'device.status.offline': 'Device offline',
  'device.state.utilizing': 'Device utilizing',
  'device.state.unplugged': 'Device unplugged',
  'datastream.update': 'Datastream update',
  'log.event': 'Log event',
  'device.info': 'Device info',
  'user.added': 'User added',
  'user.updated': 'User updated',
  'user.deleted': 'User deleted',
  'organization.added': 'Organization added',
  'inbound.received': 'Inbound webhook received',
};

export const DEVICE_TYPE_LABELS: Record<string, string> = { PRIVATE: 'Private', LOCAL: 'Local', PUBLIC: 'Public' };

/** The label, or the raw value when the console does not know it (a newer server). */
export const label = (labels: Record<string, string>, value: string) => labels[value] ?? value;
