import { Schema } from 'mongoose';

// Thin by design: one collection per port, the domain object stored as is, `_id` hidden from callers.
// Every query a repository makes has an index with its equality fields first and its sort last (no in-memory
// sort); test/storage-contract.spec.ts lists them.
const opts = { versionKey: false, minimize: false } as const;
export const Counter = new Schema({ _id: String, seq: Number }, opts);
export const IdBlock = new Schema({ _id: String, name: String, block: Number }, opts);
IdBlock.index({ name: 1, block: -1 });
export const Org = new Schema({ _id: Number, name: String, parentId: Number, createdAt: Number }, opts);
export const UserS = new Schema({ _id: Number, orgId: Number, email: String, name: String, createdAt: Number }, opts);
UserS.index({ orgId: 1, email: 1 }, { unique: true });
UserS.index({ orgId: 1, _id: 1 });
export const Token = new Schema(
  {
    _id: Number,
    orgId: Number,
    name: String,
    scopes: [String],
    tokenHash: { type: String, unique: true },
    createdAt: Number,
  },
  opts,
);
Token.index({ orgId: 1, _id: 1 });
export const WebhookS = new Schema({ _id: Number, orgId: Number, name: String, doc: Schema.Types.Mixed }, opts);
WebhookS.index({ orgId: 1, name: 1 }, { unique: true });
WebhookS.index({ orgId: 1, _id: 1 });
/** A webhook's counters, apart from its configuration (see MongoWebhookRepository). */
export const WebhookHealthS = new Schema(
  { _id: Number, attemptCount: Number, failureCount: Number, lastTriggeredTs: Number },
  opts,
);
export const DeliveryS = new Schema(
  {
    _id: Number,
    orgId: Number,
    webhookId: Number,
    messageId: String,
    status: String,
    createdAt: Number,
    updatedAt: Number,
    doc: Schema.Types.Mixed,
    /** The row's attempts by number (`a1`, `a2`, …), written with its state (MongoDeliveryRepository.saveMany). */
    attempts: Schema.Types.Mixed,
  },
  opts,
);
DeliveryS.index({ webhookId: 1, _id: -1 }); // find(), newest first
DeliveryS.index({ webhookId: 1, status: 1, _id: -1 }); // find() by status
DeliveryS.index({ status: 1, _id: 1 }); // unfinished()
DeliveryS.index({ status: 1, updatedAt: 1 }); // prune()
// A delivery's identity is its webhook-id. Sparse: rows stored before the field existed do not carry it.
DeliveryS.index({ messageId: 1 }, { unique: true, sparse: true });
export const AttemptS = new Schema({ _id: String, deliveryId: Number, n: Number, doc: Schema.Types.Mixed }, opts);
AttemptS.index({ deliveryId: 1, n: 1 });
export const StateS = new Schema(
  { _id: String, webhookId: { type: Number, index: true }, doc: Schema.Types.Mixed },
  opts,
);
export const NotificationS = new Schema(
  { _id: Number, orgId: Number, userId: Number, createdAt: Number, doc: Schema.Types.Mixed },
  opts,
);
NotificationS.index({ orgId: 1, userId: 1, createdAt: -1, _id: -1 });
export const InboundS = new Schema(
  { _id: String, orgId: { type: Number, index: true }, token: { type: String, unique: true }, doc: Schema.Types.Mixed },
  opts,
);
/**
 * Template ids are unique per organization. `_id` is "orgId/id" (a template id has no "/"); rows stored while
 * ids were global keep their bare `_id` and are given `id` at start (MongoTemplateRepository.migrate).
 */
export const TemplateS = new Schema({ _id: String, orgId: Number, id: String, doc: Schema.Types.Mixed }, opts);
TemplateS.index({ orgId: 1, id: 1 }, { unique: true }); // every query: create, update, delete, by (orgId, id)
export const Doc = new Schema({ _id: String, orgId: { type: Number, index: true }, doc: Schema.Types.Mixed }, opts);
/** A device's runtime state, written by the instance holding its connection (read and written by `_id` only). */
export const RuntimeS = new Schema(
  { _id: String, seq: Number, state: Schema.Types.Mixed, reported: Schema.Types.Mixed },
  opts,
);
export const ClaimS = new Schema(
  { _id: String, deliveryId: Number, fence: Number, orgId: Number, webhookId: Number, owner: String },
  opts,
);
ClaimS.index({ deliveryId: 1, fence: 1 }); // ofDeliveries(), remove()
ClaimS.index({ owner: 1 }); // ownedBy()
export const ChangeS = new Schema(
  {
    _id: String,
    seq: Number,
    kind: String,
    orgId: Number,
    key: String,
    presence: Schema.Types.Mixed,
    origin: String,
    at: Number,
  },
  opts,
);
ChangeS.index({ seq: 1 }); // latest(), prune() (on MongoDB; FerretDB scans, rarely)
ChangeS.index({ at: 1 }); // seqBefore(), prune()
export const LeaseS = new Schema({ _id: String, expiresAt: Number }, opts);
export const ConnectionS = new Schema({ _id: String, ownerId: String, instance: String, at: Number }, opts);
ConnectionS.index({ ownerId: 1 }); // holders()
ConnectionS.index({ instance: 1 }); // heldOutside()
export const TransitionS = new Schema({ _id: String, at: Number }, opts);
TransitionS.index({ at: 1 }); // prune()
