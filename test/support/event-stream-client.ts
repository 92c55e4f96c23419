/** A Server-Sent Events reader over fetch(), the way the console reads /api/v1/organization/events. */
export interface SseMessage {
  id?: string;
  event?: string;
  data: string;
}

export interface SseClient {
  status: number;
  messages: SseMessage[];
  comments: string[];
  /** Resolves once `accept` holds for the messages (checked on every chunk); rejects if the stream ends first. */
  until(accept: (m: SseMessage[]) => boolean, timeoutMs?: number): Promise<SseMessage[]>;
  close(): void;
}

function parseBlock(block: string, client: SseClient): void {
  const msg: SseMessage = { data: '' };
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) client.comments.push(line.slice(1).trim());
    else if (line.startsWith('id: ')) msg.id = line.slice(4);
    else if (line.startsWith('event: ')) msg.event = line.slice(7);
    else if (line.startsWith('data: ')) data.push(line.slice(6));
  }
  if (data.length) client.messages.push({ ...msg, data: data.join('\n') });
}

export async function openEventStream(
  baseUrl: string,
  token: string | null,
  query = '',
  headers: Record<string, string> = {},
): Promise<SseClient> {
  const abort = new AbortController();
  const res = await fetch(`${baseUrl}/api/v1/organization/events${query}`, {
    headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...headers },
    signal: abort.signal,
  });
  const listeners = new Set<() => void>();
  let ended = false;
  const client: SseClient = {
    status: res.status,
    messages: [],
    comments: [],
    until(accept, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => done(new Error(`stream: condition not met in ${timeoutMs} ms`)), timeoutMs);
        const check = () => {
          if (accept(client.messages)) done();
          else if (ended) done(new Error('stream ended before the condition was met'));
        };
        const done = (err?: Error) => {
          clearTimeout(timer);
          listeners.delete(check);
          if (err) reject(err);
          else resolve(client.messages);
        };
        listeners.add(check);
        check();
      });
    },
    close: () => abort.abort(),
  };
  if (res.status !== 200 || !res.body) return Object.assign(client, { body: await res.text() });
  void (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let cut;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          parseBlock(buffer.slice(0, cut), client);
          buffer = buffer.slice(cut + 2);
        }
        for (const l of [...listeners]) l();
      }
    } catch {
      /* aborted */
    }
    ended = true;
    for (const l of [...listeners]) l();
  })();
  return client;
}

export const eventsOf = (messages: SseMessage[]) =>
  messages.filter((m) => m.id !== undefined).map((m) => JSON.parse(m.data) as Record<string, any>);
