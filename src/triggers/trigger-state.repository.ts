import type { TriggerState } from './trigger-state.model.js';

export const TRIGGER_STATE_REPOSITORY = Symbol('TriggerStateRepository');

export interface TriggerStateRepository {
  all(): Promise<TriggerState[]>;
  saveMany(states: TriggerState[]): Promise<void>;
  deleteForWebhook(webhookId: number): Promise<void>;
}
