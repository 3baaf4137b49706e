import { describe, expect, it } from 'vitest';
import {
  decodeClientMessage,
  encodeAwareness,
  encodeSyncStep1,
  encodeSyncUpdate,
  ProtocolError,
} from './protocol.js';

describe('client frames', () => {
  it('decodes the y-websocket messages it encodes', () => {
    expect(decodeClientMessage(encodeSyncStep1(new Uint8Array([0])))).toEqual({
      type: 'syncStep1',
      stateVector: new Uint8Array([0]),
    });
    expect(decodeClientMessage(encodeSyncUpdate(new Uint8Array([1, 2])))).toMatchObject({ type: 'update' });
    expect(decodeClientMessage(encodeAwareness(new Uint8Array([3])))).toMatchObject({ type: 'awareness' });
    expect(decodeClientMessage(new Uint8Array([3]))).toEqual({ type: 'queryAwareness' });
  });

  it('refuses truncated frames, unknown types and unknown sync steps', () => {
    for (const frame of [[], [0], [0, 2, 9, 1], [7], [0, 5, 0], [200, 200, 200, 200, 200, 200]]) {
      expect(() => decodeClientMessage(new Uint8Array(frame)), JSON.stringify(frame)).toThrow(ProtocolError);
    }
  });
});
