/**
 * A minimal Socket.IO client over a raw WebSocket speaking Engine.IO v4 / Socket.IO v5 packets: connect
 * with auth, answer pings, emit with acks, hand event frames to a callback unparsed. Thousands of these
 * fit in one load-generator process where thousands of socket.io-client instances would not.
 */
import WebSocket from 'ws';

export class RawClient {
  private ackId = 0;
  private acks = new Map<number, (value: unknown) => void>();
  onFrame: ((frame: string) => void) | null = null;

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const frame = data.toString();
      if (frame === '2') {
        ws.send('3');
        return;
      }
      if (frame.startsWith('43')) {
        const bracket = frame.indexOf('[');
        const id = Number(frame.slice(2, bracket));
        const resolve = this.acks.get(id);
        if (resolve) {
          this.acks.delete(id);
          resolve(JSON.parse(frame.slice(bracket))[0]);
        }
        return;
      }
      if (frame.startsWith('42')) this.onFrame?.(frame);
    });
  }

  /** Opens the connection; resolves after the namespace connect and, when `helloEvent` is given, that event. */
  static connect(
    url: string,
    auth: Record<string, unknown> | null,
    helloEvent: string | null,
  ): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`, {
        perMessageDeflate: false,
      });
      const client = new RawClient(ws);
      const timer = setTimeout(() => {
        ws.terminate();
        reject(new Error('connect timeout'));
      }, 30_000);
      let connected = false;
      const onMessage = (data: WebSocket.RawData) => {
        const frame = data.toString();
        if (frame.startsWith('0')) ws.send(`40${auth ? JSON.stringify(auth) : ''}`);
        else if (frame.startsWith('44')) {
          clearTimeout(timer);
          reject(new Error(`refused: ${frame}`));
        } else if (frame.startsWith('40')) {
          connected = true;
          if (!helloEvent) done();
        } else if (connected && helloEvent && frame.startsWith(`42["${helloEvent}"`)) done();
      };
      const done = () => {
        clearTimeout(timer);
        ws.off('message', onMessage);
        resolve(client);
      };
      ws.on('message', onMessage);
      ws.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
  }

  emit(event: string, payload: unknown, timeoutMs = 120_000): Promise<unknown> {
    const id = this.ackId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.acks.delete(id);
        resolve({ ok: false, error: { code: 'TIMEOUT' } });
      }, timeoutMs);
      this.acks.set(id, (value) => {
        clearTimeout(timer);
        resolve(value);
      });
      this.ws.send(`42${id}${JSON.stringify([event, payload])}`);
    });
  }

  close(): void {
    this.ws.close();
  }
}

/** Connects many clients, a bounded number at a time. */
export async function connectMany<T>(
  count: number,
  parallel: number,
  make: (i: number) => Promise<T>,
): Promise<T[]> {
  const out: T[] = new Array(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(parallel, count) }, async () => {
      while (next < count) {
        const i = next++;
        out[i] = await make(i);
      }
    }),
  );
  return out;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
