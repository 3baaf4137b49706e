import { CollabCloseCodes } from '@zhibu/shared';
import { type RawData, WebSocket } from 'ws';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as Y from 'yjs';
import {
  type ClientMessage,
  decodeClientMessage,
  encodeAwareness,
  encodePermissionDenied,
  encodeSyncStep2,
  ProtocolError,
} from './protocol.js';
import { type Conn, type Room, send } from './room.js';

export function closeConn(ws: WebSocket, code: number, reason: string): void {
  if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.close(code, reason);
}

export interface FrameLimits {
  /** Largest frame a client may send. */
  maxUpdateBytes: number;
  /** Largest a document may grow. */
  maxDocBytes: number;
}

/**
 * One frame from a client of a loaded document (y-protocols sync and awareness). A frame that breaks the
 * protocol or a limit closes that connection with a stable code; a read-only connection's edits are
 * refused with a permission-denied message and the connection stays.
 */
export function handleFrame(
  room: Room,
  conn: Conn,
  data: RawData,
  isBinary: boolean,
  limits: FrameLimits,
): void {
  if (!isBinary) {
    closeConn(conn.ws, CollabCloseCodes.PROTOCOL_ERROR, 'binary frames only');
    return;
  }
  // `ws` hands binary messages over as a Buffer (its default binaryType): no copy.
  const frame = Buffer.isBuffer(data)
    ? data
    : Array.isArray(data)
      ? Buffer.concat(data)
      : Buffer.from(data as ArrayBuffer);
  if (frame.length > limits.maxUpdateBytes) {
    closeConn(conn.ws, CollabCloseCodes.TOO_LARGE, 'message too large');
    return;
  }
  let message: ClientMessage;
  try {
    message = decodeClientMessage(new Uint8Array(frame.buffer, frame.byteOffset, frame.length));
  } catch (error) {
    const why = error instanceof ProtocolError ? error.message : 'malformed frame';
    closeConn(conn.ws, CollabCloseCodes.PROTOCOL_ERROR, why);
    return;
  }
  switch (message.type) {
    case 'syncStep1':
      send(conn.ws, encodeSyncStep2(Y.encodeStateAsUpdate(room.doc, message.stateVector)));
      return;
    case 'syncStep2':
    case 'update': {
      if (conn.readOnly) {
        if (message.update.length > 2) send(conn.ws, encodePermissionDenied('read-only'));
        return;
      }
      if (room.bytes + message.update.length > limits.maxDocBytes) {
        if (room.exactBytes() + message.update.length > limits.maxDocBytes) {
          closeConn(conn.ws, CollabCloseCodes.TOO_LARGE, 'document size cap reached');
          return;
        }
      }
      try {
        Y.applyUpdate(room.doc, message.update, conn);
      } catch {
        closeConn(conn.ws, CollabCloseCodes.PROTOCOL_ERROR, 'undecodable update');
      }
      return;
    }
    case 'awareness':
      try {
        awarenessProtocol.applyAwarenessUpdate(room.awareness, message.update, conn);
      } catch {
        closeConn(conn.ws, CollabCloseCodes.PROTOCOL_ERROR, 'undecodable awareness update');
      }
      return;
    case 'queryAwareness': {
      const ids = [...room.awareness.getStates().keys()];
      if (ids.length > 0) {
        send(conn.ws, encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(room.awareness, ids)));
      }
      return;
    }
    case 'auth':
      return;
  }
}
