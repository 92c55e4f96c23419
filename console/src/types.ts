// What the REST API returns. The resource types come from the OpenAPI document (api-schema.d.ts, generated from
// the server's response classes and DTOs by test/openapi.spec.ts).
import type { components } from './api-schema.js';

type Schemas = components['schemas'];
export type Device = Schemas['Device'];
export type Condition = Schemas['ConditionDto'];
export type DataTrigger = Schemas['DataTriggerDto'];
export type Signature = Schemas['SignatureDto'];
export type Webhook = Schemas['Webhook'];
export type Attempt = Schemas['DeliveryAttempt'];
export type Delivery = Schemas['Delivery'];
export type DeliveryPage = Schemas['DeliveryPage'];
export type User = Schemas['User'];
export type ApiToken = Schemas['ApiToken'];
export type TestResult = Schemas['TestResult'];
export type InboundWebhook = Schemas['InboundWebhook'];
export type Template = Schemas['Template'];
export type Notification = Schemas['Notification'];
export type DatastreamHistory = Schemas['DatastreamHistory'];
export type DatastreamHistoryBuckets = Schemas['DatastreamHistoryBuckets'];

export interface PageOf<T> {
  items: T[];
  page: number;
  size: number;
  total: number;
}
