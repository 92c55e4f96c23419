// Storage ports: domain code depends on these interfaces only, never on a driver (ARCHITECTURE §6).
// Two drivers implement every port: sqlite/ (default, embedded) and mongo/ (MONGODB_URI).

import type { Delivery, DeliveryAttempt, DeliveryQuery, NewDelivery } from '../delivery/delivery.model.js';
import type { InboundWebhook } from '../inbound/inbound-webhook.model.js';
import type { TriggerState } from '../triggers/trigger-state.model.js';
import type { Webhook } from '../webhooks/webhook.model.js';

export type DeviceType = 'PRIVATE' | 'LOCAL' | 'PUBLIC';
export type DeviceStatus = 'online' | 'offline' | 'utilizing' | 'unplugged';

export interface Organization {
  id: number;
  name: string;
  createdAt: number;
}
export interface User {
  id: number;
  orgId: number;
  email: string;
  name: string;
  createdAt: number;
}
export interface ApiToken {
  id: number;
  orgId: number;
  name: string;
  scopes: string[];
  tokenHash: string;
  createdAt: number;
}

export interface DatastreamValue {
  value: unknown;
  ts: number;
}

/** Registry record: identity, configuration and the last known runtime state of one device. */
export interface Device {
  id: string;
  orgId: number;
  name: string;
  type: DeviceType;
  templateId: string | null;
  groupIds: string[];
  agentId: string | null;
  metadata: Record<string, unknown>;
  tokenHash: string;
  status: DeviceStatus;
  seq: number;
  lastSeen: number | null;
  firstConnectedAt: number | null;
  values: Record<string, DatastreamValue>;
  lastEvent: { code: string; description: string; ts: number } | null;
  createdAt: number;
  updatedAt: number;
}

export interface Agent {
  id: string;
  orgId: number;
  name: string;
  tokenHash: string;
  createdAt: number;
  updatedAt: number;
}

export interface OrganizationRepository {
  create(name: string): Promise<Organization>;
  findById(id: number): Promise<Organization | null>;
  count(): Promise<number>;
}

export interface UserRepository {
  create(user: Omit<User, 'id' | 'createdAt'>): Promise<User>;
  list(orgId: number): Promise<User[]>;
  findById(orgId: number, id: number): Promise<User | null>;
  /** Fails with DuplicateKeyError('email') when the org has another user with that e-mail. */
  update(orgId: number, id: number, patch: Partial<Pick<User, 'email' | 'name'>>): Promise<User | null>;
  delete(orgId: number, id: number): Promise<boolean>;
}

export interface ApiTokenRepository {
  create(token: Omit<ApiToken, 'id' | 'createdAt'>): Promise<ApiToken>;
  findByHash(tokenHash: string): Promise<ApiToken | null>;
  list(orgId: number): Promise<ApiToken[]>;
  delete(orgId: number, id: number): Promise<boolean>;
}

export interface DeviceRepository {
  create(device: Device): Promise<Device>;
  /** Every device, for the in-memory registry loaded at start. */
  all(): Promise<Device[]>;
  update(device: Device): Promise<void>;
  delete(id: string): Promise<boolean>;
  /** Write-behind of presence and last values: many devices, one commit. */
  saveMany(devices: Device[]): Promise<void>;
}

export interface AgentRepository {
  create(agent: Agent): Promise<Agent>;
  all(): Promise<Agent[]>;
  update(agent: Agent): Promise<void>;
  delete(id: string): Promise<boolean>;
}

export interface WebhookRepository {
  /** Fails with DuplicateKeyError('name') when the org already has a webhook of that name. */
  create(webhook: Omit<Webhook, 'id'>): Promise<Webhook>;
  findById(orgId: number, id: number): Promise<Webhook | null>;
  list(orgId: number): Promise<Webhook[]>;
  update(webhook: Webhook): Promise<void>;
  delete(orgId: number, id: number): Promise<boolean>;
  /** Every webhook of every org, for the in-memory catalog loaded at start. */
  all(): Promise<Webhook[]>;
  /** Write-behind of runtime counters (attemptCount, failureCount, lastTriggeredTs, status): one commit. */
  saveMany(webhooks: Webhook[]): Promise<void>;
}

/** The outbox and the delivery log. */
export interface DeliveryRepository {
  /** Group commit: every row in one transaction; returns them with their ids. */
  insertMany(rows: NewDelivery[]): Promise<Delivery[]>;
  /** State changes and the attempts that caused them, in one transaction. */
  saveMany(deliveries: Delivery[], attempts: DeliveryAttempt[]): Promise<void>;
  /** pending and held rows of every webhook, oldest first: what the dispatcher resumes after a restart. */
  unfinished(): Promise<Delivery[]>;
  find(orgId: number, webhookId: number, q: DeliveryQuery): Promise<{ items: Delivery[]; total: number }>;
  findById(orgId: number, webhookId: number, id: number): Promise<Delivery | null>;
  attempts(deliveryId: number): Promise<DeliveryAttempt[]>;
  /** Deletes finished (delivered, failed, dropped) rows last changed before `ts`, with their attempts. */
  prune(ts: number): Promise<number>;
}

export interface InboundWebhookRepository {
  create(w: InboundWebhook): Promise<InboundWebhook>;
  list(orgId: number): Promise<InboundWebhook[]>;
  findById(orgId: number, id: string): Promise<InboundWebhook | null>;
  findByToken(token: string): Promise<InboundWebhook | null>;
  update(w: InboundWebhook): Promise<void>;
  delete(orgId: number, id: string): Promise<boolean>;
}

export interface TriggerStateRepository {
  all(): Promise<TriggerState[]>;
  saveMany(states: TriggerState[]): Promise<void>;
  deleteForWebhook(webhookId: number): Promise<void>;
}

export interface Notification {
  id: number;
  orgId: number;
  userId: number;
  kind: string;
  title: string;
  message: string;
  webhookId: number | null;
  createdAt: number;
}

export interface NotificationRepository {
  create(n: Omit<Notification, 'id'>): Promise<Notification>;
  listForUser(orgId: number, userId: number): Promise<Notification[]>;
}

/** One storage backend: every repository plus its lifecycle. */
export interface StorageDriver {
  readonly name: 'sqlite' | 'mongo';
  readonly organizations: OrganizationRepository;
  readonly users: UserRepository;
  readonly tokens: ApiTokenRepository;
  readonly devices: DeviceRepository;
  readonly agents: AgentRepository;
  readonly webhooks: WebhookRepository;
  readonly deliveries: DeliveryRepository;
  readonly triggerStates: TriggerStateRepository;
  readonly notifications: NotificationRepository;
  readonly inboundWebhooks: InboundWebhookRepository;
  close(): Promise<void>;
}

export const STORAGE = Symbol('StorageDriver');

/** Raised by a driver when a unique key is taken; services map it to 409. */
export class DuplicateKeyError extends Error {
  constructor(readonly key: string) {
    super(`duplicate ${key}`);
  }
}
