import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { ApiError } from '../common/api-error.js';
import { GatewayConfig } from '../config/gateway-config.js';
import { DeviceRegistry } from '../devices/device-registry.js';
import { listensTo } from '../webhooks/trigger-kinds.js';
import { WebhookCatalog } from '../webhooks/webhook-catalog.js';
import type { Webhook } from '../webhooks/webhook.model.js';
import type { Delivery, DeliveryQuery } from './delivery.model.js';
import { DELIVERY_REPOSITORY, type DeliveryRepository } from './delivery.repository.js';
import { type AttemptResult, Dispatcher } from './dispatcher.js';
import { NAME_LOOKUP, type NameLookup } from '../templates/name-lookup.js';
import { renderDelivery, renderMatched } from './render/request-renderer.js';
import { matchedEvent } from './render/snapshot.js';
import { maskCredentialFields } from '../webhooks/credential-fields.js';
import { headersForReader, urlForReader } from '../webhooks/read-only-view.js';

const requestForReader = <T extends { url: string; headers: Record<string, string> }>(r: T): T => ({
  ...r,
  url: urlForReader(r.url),
  headers: headersForReader(r.headers),
});

const DAY_MS = 86_400_000;
const REPLAY_PAGE = 500;

/** The delivery log over REST, replays (Svix-style recovery), Blynk's Test, and retention. */
@Injectable()
export class DeliveriesService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(DeliveriesService.name);
  private timer: NodeJS.Timeout | null = null;

  constructor(
    @Inject(DELIVERY_REPOSITORY) private readonly deliveries: DeliveryRepository,
    private readonly catalog: WebhookCatalog,
    private readonly dispatcher: Dispatcher,
    private readonly registry: DeviceRegistry,
    private readonly config: GatewayConfig,
    @Inject(NAME_LOOKUP) private readonly names: NameLookup,
  ) {}

  /** Prunes finished deliveries older than DELIVERY_RETENTION_DAYS now and every hour. */
  onModuleInit(): void {
    const prune = () =>
      this.deliveries
        .prune(Date.now() - this.config.DELIVERY_RETENTION_DAYS * DAY_MS)
        .then((n) => {
          if (n > 0) this.logger.log(`pruned ${n} finished deliveries`);
        })
        .catch((err: Error) => this.logger.error(`pruning deliveries: ${err.message}`));
    void prune();
    this.timer = setInterval(() => void prune(), 3600_000);
    this.timer.unref();
  }

  /** `forEditor` false (a token without webhook.patch): the request's URL and header values as readers see them. */
  async list(orgId: number, webhookId: number, q: DeliveryQuery, forEditor: boolean) {
    this.webhook(orgId, webhookId);
    const { items, total } = await this.deliveries.find(orgId, webhookId, q);
    return {
      items: await Promise.all(items.map((d) => this.withAttempts(d, forEditor))),
      page: q.page,
      size: q.size,
      total,
      // Why pending deliveries may wait past their retry time: the endpoint's breaker, as this instance sees it.
      endpoint: this.dispatcher.endpointHealth(webhookId),
    };
  }

  async get(orgId: number, webhookId: number, id: number, forEditor: boolean) {
    return this.withAttempts(await this.delivery(orgId, webhookId, id), forEditor);
  }

  async replay(orgId: number, webhookId: number, id: number) {
    const d = await this.delivery(orgId, webhookId, id);
    this.dispatcher.replay(d);
    return { id: d.id, messageId: d.messageId, status: 'pending' };
  }

  /**
   * Replays every failed or held delivery created since `since` (ms). Keyset paging: replayed rows leave the
   * status being walked while the walk goes on (the delivery log commits every 10 ms), which would make
   * offset paging skip rows.
   */
  async replaySince(orgId: number, webhookId: number, since: number) {
    this.webhook(orgId, webhookId);
    let replayed = 0;
    for (const status of ['failed', 'held'] as const) {
      for (let beforeId: number | null = null; ;) {
        const items = await this.deliveries.findPage(orgId, webhookId, { status, since, beforeId, limit: REPLAY_PAGE });
        for (const d of items) {
          this.dispatcher.replay(d);
          replayed++;
        }
        if (items.length < REPLAY_PAGE) break;
        beforeId = items[items.length - 1].id;
      }
    }
    return { replayed, since };
  }

  /** What replaySince(since) would replay now: the failed and held deliveries created since `since`. */
  async replayCount(orgId: number, webhookId: number, since: number) {
    this.webhook(orgId, webhookId);
    const count = async (status: 'failed' | 'held') =>
      (await this.deliveries.find(orgId, webhookId, { status, since, page: 0, size: 1 })).total;
    const [failed, held] = await Promise.all([count('failed'), count('held')]);
    return { since, failed, held, count: failed + held };
  }

  /** Blynk's Test: one synthetic event, sent now; counted in attemptCount, not written to the delivery log. */
  async test(orgId: number, webhookId: number): Promise<AttemptResult & { delivered: boolean }> {
    const w = this.webhook(orgId, webhookId);
    const named = w.dataTrigger?.deviceId ? this.registry.device(w.dataTrigger.deviceId) : undefined;
    // Only a device of the webhook's own org is ever rendered.
    const device = named?.orgId === orgId ? named : undefined;
    const event = {
      orgId,
      deviceId: device?.id ?? 'test-device',
      // The first (kind, key) the webhook listens to.
      ...(listensTo(w)[0] ?? { kind: 'device.added' as const, key: '' }),
      value: w.dataTrigger?.condition?.value ?? 1,
      ts: Date.now(),
      seq: 0,
    } as const;
    const result = await this.dispatcher.send(
      w,
      `msg_test_${Date.now()}`,
      renderMatched(matchedEvent(w, event, device, this.names), w, Date.now()),
    );
    this.catalog.attempted(w);
    const { headers: _h, ...rest } = result;
    return {
      ...rest,
      headers: {},
      delivered: result.statusCode !== null && result.statusCode >= 200 && result.statusCode < 300,
    };
  }

  private webhook(orgId: number, id: number): Webhook {
    const w = this.catalog.get(orgId, id);
    if (!w) throw ApiError.notFound('Webhook');
    return w;
  }

  private async delivery(orgId: number, webhookId: number, id: number): Promise<Delivery> {
    this.webhook(orgId, webhookId);
    const d = await this.deliveries.findById(orgId, webhookId, id);
    if (!d) throw ApiError.notFound('Delivery');
    return d;
  }

  /**
   * A log entry: the row, its attempts, and the request as its webhook renders it now (what the next attempt
   * sends), with credential-named header and query values masked; for a reader, as its webhook is shown to it
   * (a URL whose path is a credential, custom header values).
   */
  private async withAttempts(d: Delivery, forEditor: boolean) {
    const w = this.catalog.byIdAnyOrg(d.webhookId);
    const request = w ? renderDelivery(d, w) : d.request;
    const { claimedBy: _claimedBy, ...row } = d; // which instance holds it is no part of the API
    return {
      ...row,
      request: request && (forEditor ? maskCredentialFields(request) : requestForReader(maskCredentialFields(request))),
      attempts: await this.deliveries.attempts(d.id),
      attemptCount: d.attempts,
    };
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }
}
