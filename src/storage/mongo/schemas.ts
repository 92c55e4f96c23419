import { Schema } from 'mongoose';

// Thin by design: one collection per port, the domain object stored as is, `_id` hidden from callers.
const opts = { versionKey: false, minimize: false } as const;
export const Counter = new Schema({ _id: String, seq: Number }, opts);
export const Org = new Schema({ _id: Number, name: String, parentId: Number, createdAt: Number }, opts);
export const UserS = new Schema(
  { _id: Number, orgId: { type: Number, index: true }, email: String, name: String, createdAt: Number },
  opts,
);
UserS.index({ orgId: 1, email: 1 }, { unique: true });
export const Token = new Schema(
  {
    _id: Number,
    orgId: { type: Number, index: true },
    name: String,
    scopes: [String],
    tokenHash: { type: String, unique: true },
    createdAt: Number,
  },
  opts,
);
export const WebhookS = new Schema({ _id: Number, orgId: Number, name: String, doc: Schema.Types.Mixed }, opts);
WebhookS.index({ orgId: 1, name: 1 }, { unique: true });
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
  },
  opts,
);
DeliveryS.index({ webhookId: 1, status: 1, createdAt: 1 });
DeliveryS.index({ status: 1, updatedAt: 1 });
// The dispatcher pages one webhook's unfinished rows by id; a delivery's identity is its webhook-id.
DeliveryS.index({ webhookId: 1, status: 1, _id: 1 });
// Sparse: rows stored before the field existed do not carry it.
DeliveryS.index({ messageId: 1 }, { unique: true, sparse: true });
export const AttemptS = new Schema(
  { _id: String, deliveryId: { type: Number, index: true }, n: Number, doc: Schema.Types.Mixed },
  opts,
);
export const StateS = new Schema(
  { _id: String, webhookId: { type: Number, index: true }, doc: Schema.Types.Mixed },
  opts,
);
export const NotificationS = new Schema(
  { _id: Number, orgId: Number, userId: Number, createdAt: Number, doc: Schema.Types.Mixed },
  opts,
);
NotificationS.index({ orgId: 1, userId: 1, createdAt: -1 });
export const InboundS = new Schema(
  { _id: String, orgId: { type: Number, index: true }, token: { type: String, unique: true }, doc: Schema.Types.Mixed },
  opts,
);
export const Doc = new Schema({ _id: String, orgId: { type: Number, index: true }, doc: Schema.Types.Mixed }, opts);
