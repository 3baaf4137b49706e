import { io, type Socket } from 'socket.io-client';
import { refreshSession } from '../api/http';
import { getAccessToken, onSessionChange } from '../api/session';

/**
 * The one Socket.IO connection of this tab. It authenticates with the current access token
 * (`auth: { token }`, read on every (re)connect so a refreshed token is used), follows sign-in and
 * sign-out, and refreshes the token once when the server refuses it as expired.
 *
 * Areas add their listeners with `getSocket().on(...)` inside an effect and remove them on cleanup;
 * the connection itself is owned here.
 *
 * The server enables connection state recovery: after a short gap the reconnect carries the session id
 * and last offset (Socket.IO does this itself), `socket.recovered` is true and missed broadcasts are
 * replayed before `hello`. Broadcast listeners then get the stream offset as an extra last argument;
 * listeners read their first argument only. Areas that keep state still catch up on `hello` (see
 * pages/channels/realtime.ts): recovery shortens the gap, it does not replace the catch-up.
 */
let socket: Socket | null = null;

export function getSocket(): Socket {
  if (!socket) {
    socket = io({
      path: '/socket.io',
      transports: ['websocket'],
      autoConnect: false,
      reconnectionDelay: 1000,
      reconnectionDelayMax: 15_000,
      auth: (cb) => cb({ token: getAccessToken() ?? '' }),
    });
    socket.on('connect_error', (error) => {
      const code = (error as Error & { data?: { code?: string } }).data?.code;
      if (code === 'TOKEN_EXPIRED') {
        void refreshSession().then((ok) => {
          if (ok) socket?.connect();
        });
      }
    });
  }
  return socket;
}

/** Connects when signed in, disconnects on sign-out. Call once at start-up. */
export function startRealtime(): () => void {
  const s = getSocket();
  if (getAccessToken()) s.connect();
  return onSessionChange((session) => {
    if (!session) s.disconnect();
    else if (!s.connected) s.connect();
  });
}
