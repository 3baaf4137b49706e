import type { ClientToServerEvents, ServerToClientEvents } from '@zhibu/shared';
import type { Server, Socket } from 'socket.io';

export interface SocketData {
  userId: string;
  presence: 'online' | 'away';
  /** Channels dropped from a recovered session because the user lost access while away (recovery.ts). */
  revokedWhileAway?: string[];
}

/** Events between server processes (through the Redis adapter). */
export interface InterServerEvents {
  'channels:invalidate': (change: { userIds?: string[]; channelIds?: string[] }) => void;
}

export type AppServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type AppSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
