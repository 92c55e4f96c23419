/** What a condition remembers between events of one device, per webhook; persisted so it survives a restart. */
export interface TriggerState {
  webhookId: number;
  deviceId: string;
  /** Threshold ops: true while the value is past the threshold (fired; re-arms once back, past the hysteresis). */
  active: boolean;
  /** `changed`: the last value seen. */
  lastValue: unknown;
  /** forMs: when the condition started to hold (null when it does not hold or has fired already). */
  holdingSince: number | null;
  /** throttleMs: when this webhook last fired for this device. */
  lastFiredAt: number | null;
}
