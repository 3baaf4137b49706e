import type { AddressInfo } from 'node:net';
import { LEXICAL_ROOT } from '@zhibu/shared';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';

/** The stock y-websocket 3.1 provider in Node, with `ws` as the WebSocket implementation. */
export function connectProvider(
  port: number,
  docName: string,
  token: string,
  options: { doc?: Y.Doc; connect?: boolean } = {},
) {
  const doc = options.doc ?? new Y.Doc();
  const provider = new WebsocketProvider(`ws://127.0.0.1:${port}/collab`, docName, doc, {
    params: { token },
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
    connect: options.connect ?? true,
  });
  const closes: number[] = [];
  provider.on('connection-close', (event) => {
    if (event) closes.push(event.code);
  });
  return { doc, provider, closes, root: doc.get(LEXICAL_ROOT, Y.XmlText) };
}
export type Client = ReturnType<typeof connectProvider>;

export const portOf = (server: { address(): AddressInfo | string | null }): number =>
  (server.address() as AddressInfo).port;

/** Polls until `check` returns true (the tests have no other way to observe remote convergence). */
export async function until(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`timed out waiting for: ${what}`);
}

export const synced = (client: Client, what = 'sync') => until(() => client.provider.synced, what);

/** A raw `ws` connection that records the close code. */
export function rawSocket(port: number, path: string) {
  const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`);
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })),
  );
  const opened = new Promise<void>((resolve, reject) => {
    ws.on('open', () => resolve());
    ws.on('error', reject);
  });
  const messages: Buffer[] = [];
  ws.on('message', (data) => messages.push(data as Buffer));
  return { ws, closed, opened, messages };
}

/** The paragraphs of a Lexical-layout doc as plain strings (one per top-level element). */
export function paragraphs(doc: Y.Doc): string[] {
  const root = doc.get(LEXICAL_ROOT, Y.XmlText);
  const out: string[] = [];
  for (const op of root.toDelta() as { insert: unknown }[]) {
    if (op.insert instanceof Y.XmlText) {
      out.push(
        (op.insert.toDelta() as { insert: unknown }[])
          .map((o) => (typeof o.insert === 'string' ? o.insert : ''))
          .join(''),
      );
    }
  }
  return out;
}

/** The element at `index` of the root (a paragraph or heading). */
export function element(doc: Y.Doc, index: number): Y.XmlText {
  const root = doc.get(LEXICAL_ROOT, Y.XmlText);
  const elements = (root.toDelta() as { insert: unknown }[])
    .map((o) => o.insert)
    .filter((i): i is Y.XmlText => i instanceof Y.XmlText);
  const found = elements[index];
  if (!found) throw new Error(`no element ${index}`);
  return found;
}

/** Appends a paragraph with one text node, the way @lexical/yjs encodes it. */
export function appendParagraph(doc: Y.Doc, text: string): void {
  const root = doc.get(LEXICAL_ROOT, Y.XmlText);
  doc.transact(() => {
    const p = new Y.XmlText();
    root.insertEmbed(root.length, p);
    p.setAttribute('__type', 'paragraph');
    const map = new Y.Map<unknown>();
    p.insertEmbed(0, map);
    map.set('__type', 'text');
    map.set('__format', 0);
    p.insert(1, text);
  });
}

/** Inserts text into the first text node of element `index`, at character `offset`. */
export function typeAt(doc: Y.Doc, index: number, offset: number, text: string): void {
  element(doc, index).insert(1 + offset, text);
}

/** A structural fingerprint of the whole doc for convergence checks (text, attributes, formats). */
export function fingerprint(doc: Y.Doc): string {
  const walk = (t: Y.XmlText): unknown => ({
    a: t.getAttributes(),
    c: (t.toDelta() as { insert: unknown }[]).map((o) =>
      o.insert instanceof Y.XmlText
        ? walk(o.insert)
        : o.insert instanceof Y.Map
          ? o.insert.toJSON()
          : o.insert,
    ),
  });
  return JSON.stringify(walk(doc.get(LEXICAL_ROOT, Y.XmlText)));
}
