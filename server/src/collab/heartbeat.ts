import type { WebSocket, WebSocketServer } from 'ws';

/**
 * Ends connections whose peer went away without closing (a phone that changed networks, a laptop put to
 * sleep): such a socket would otherwise stay open for good, holding one of its user's connection slots
 * and keeping its document loaded. Every `intervalMs` each open connection is pinged; one that has not
 * answered the previous ping is terminated. Browsers and the `ws` client answer pings by themselves.
 */
export function startHeartbeat(wss: WebSocketServer, intervalMs: number): () => void {
  const seen = new WeakSet<WebSocket>();
  const waiting = new WeakSet<WebSocket>();
  const timer = setInterval(() => {
    for (const ws of wss.clients) {
      if (ws.readyState !== ws.OPEN) continue;
      if (waiting.has(ws)) {
        ws.terminate();
        continue;
      }
      if (!seen.has(ws)) {
        seen.add(ws);
        ws.on('pong', () => waiting.delete(ws));
      }
      waiting.add(ws);
      ws.ping();
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
