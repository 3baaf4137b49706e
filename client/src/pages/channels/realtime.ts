import type { Ack, ChannelEvent, Message, ReadState, SendMessagePayload, TypingNotice } from '@zhibu/shared';
import { useEffect, useState } from 'react';
import { getSocket } from '../../realtime/socket';
import { chat } from './store';

/**
 * Wires the tab's socket to the chat store while the channels area is open: live events, read state
 * from the user's other devices, channel membership changes, and a catch-up replay after every
 * reconnect.
 *
 * After a short gap the server usually recovers the connection (`hello.recovered`): the missed events
 * arrive first, replayed by Socket.IO from the adapter's stream. The sync still runs then, on purpose: a
 * recovered session is not a proof that nothing was missed — a broadcast whose write to the stream failed
 * is only delivered live, the stream is trimmed and read in bounded steps, a channel joined while away has
 * no missed packets, and the events of a channel revoked while away are dropped as a whole. The sync is
 * one request from each channel's last applied `eventSeq`, and the store applies each `eventSeq` once, so
 * after a recovery it normally returns nothing and never duplicates.
 */
export function useChatRealtime(userId: string): void {
  useEffect(() => {
    const socket = getSocket();
    chat.userId = userId;
    let first = true;
    // `hello` comes once the server has put the socket in its channel rooms (and, after a recovery, after
    // the replayed events): from then on nothing is missed live, so this is the moment to replay what
    // happened while disconnected — recovered or not (see above).
    const onConnect = () => {
      chat.setConnected(true);
      void chat.loadList().then(() => {
        if (!first) void chat.sync();
        first = false;
      });
    };
    const onDisconnect = () => chat.setConnected(false);
    const onEvent = (e: ChannelEvent) => chat.apply(e);
    const onRead = (s: ReadState) => chat.readState(s);
    const onChanged = () => void chat.loadList();
    socket.on('hello', onConnect);
    socket.on('disconnect', onDisconnect);
    socket.on('channel:event', onEvent);
    socket.on('read:state', onRead);
    socket.on('channels:changed', onChanged);
    if (socket.connected) onConnect();
    else chat.setConnected(false);
    return () => {
      socket.off('hello', onConnect);
      socket.off('disconnect', onDisconnect);
      socket.off('channel:event', onEvent);
      socket.off('read:state', onRead);
      socket.off('channels:changed', onChanged);
    };
  }, [userId]);
}

/**
 * Sends a message and resolves with the server's answer. Without an answer (connection lost) it re-sends
 * the same client id after reconnecting: the server returns the stored message instead of a duplicate.
 */
export async function sendMessage(
  payload: SendMessagePayload,
): Promise<Ack<{ message: Message; duplicate: boolean }>> {
  const socket = getSocket();
  for (let attempt = 0; attempt < 20; attempt++) {
    if (!socket.connected) await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const answer = await new Promise<Ack<{ message: Message; duplicate: boolean }> | null>((resolve) =>
      socket
        .timeout(8000)
        .emit(
          'message:send',
          payload,
          (err: Error | null, ack: Ack<{ message: Message; duplicate: boolean }>) =>
            resolve(err ? null : ack),
        ),
    );
    if (answer) {
      if (answer.ok) chat.acknowledged(answer.message);
      return answer;
    }
  }
  return { ok: false, error: { code: 'NETWORK', message: 'No answer from the server' } };
}

/** Any acked event other than sending. */
export function emitAck<T extends object = Record<never, never>>(
  event: string,
  payload: unknown,
): Promise<Ack<T>> {
  return new Promise((resolve) =>
    (
      getSocket() as unknown as {
        timeout(ms: number): {
          emit(e: string, p: unknown, cb: (err: Error | null, a: Ack<T>) => void): void;
        };
      }
    )
      .timeout(8000)
      .emit(event, payload, (err, ack) =>
        resolve(err ? { ok: false, error: { code: 'NETWORK', message: err.message } } : ack),
      ),
  );
}

/** Who is typing in a channel (or a thread), expiring a few seconds after their last keystroke. */
export function useTyping(channelId: string, threadRootId: string | null, selfId: string): string[] {
  const [typing, setTyping] = useState<Record<string, number>>({});
  useEffect(() => {
    const socket = getSocket();
    const onTyping = (n: TypingNotice) => {
      if (n.channelId !== channelId || n.threadRootId !== threadRootId || n.userId === selfId) return;
      setTyping((t) => ({ ...t, [n.userId]: Date.now() }));
    };
    socket.on('typing', onTyping);
    const timer = setInterval(() => {
      setTyping((t) => {
        const now = Date.now();
        const next = Object.fromEntries(Object.entries(t).filter(([, at]) => now - at < 4000));
        return Object.keys(next).length === Object.keys(t).length ? t : next;
      });
    }, 1000);
    return () => {
      socket.off('typing', onTyping);
      clearInterval(timer);
      setTyping({});
    };
  }, [channelId, threadRootId, selfId]);
  return Object.keys(typing);
}
