import type { AnyModel } from './model.js';

/** Statements per `update` command, and such commands in flight per connection. */
const CHUNK = 16;
const IN_FLIGHT = 2;

/**
 * Every bulk update of the mongo driver, one instance per connection (mongo.driver.ts). FerretDB v1.24 (SQLite
 * backend) keeps each statement's query open until its whole `update` command ends
 * (internal/handler/msg_update.go: `defer closer.Close()` inside the loop over statements), each on one of the
 * database's 100 SQLite connections, so one bulk update of about 100 statements, or a few smaller ones at once,
 * deadlocks the whole server (seen: 100 devices connecting, their presence and write-behind updates in flight
 * together). So updates go in chunks of 16 statements, at most two chunks in flight per connection, the chunks
 * of one call in order. MongoDB takes them the same way; it only pays a round trip per chunk.
 */
export class BulkWrites {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  async write(
    m: AnyModel,
    ops: Parameters<AnyModel['bulkWrite']>[0],
    options: { ordered?: boolean } = {},
  ): Promise<void> {
    for (let i = 0; i < ops.length; i += CHUNK) {
      await this.acquire();
      try {
        await m.bulkWrite(ops.slice(i, i + CHUNK), { ordered: options.ordered ?? false });
      } finally {
        this.release();
      }
    }
  }

  private acquire(): Promise<void> | void {
    if (this.running < IN_FLIGHT) {
      this.running++;
      return;
    }
    return new Promise((r) => this.waiting.push(r));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.running--;
  }
}
