import { ObjectId } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { cursorFilter, encodeCursor, type NotificationDoc } from './repo.js';

const doc = (id: string, at: string): NotificationDoc => ({
  _id: id,
  userId: new ObjectId(),
  kind: 'invitation.sent',
  title: '',
  body: '',
  link: null,
  data: {},
  read: false,
  readAt: null,
  createdAt: new Date(at),
});

describe('notification cursors', () => {
  it('round-trips (createdAt, _id) into a filter for the next, older page', () => {
    const cursor = encodeCursor(doc('invite-sent_1', '2026-03-01T00:00:00.000Z'));
    const at = new Date('2026-03-01T00:00:00.000Z');
    expect(cursorFilter(cursor)).toEqual({
      $or: [{ createdAt: { $lt: at } }, { createdAt: at, _id: { $lt: 'invite-sent_1' } }],
    });
  });

  it('has no filter without a cursor and rejects a forged one', () => {
    expect(cursorFilter(undefined)).toEqual({});
    expect(cursorFilter('not-base64-json')).toBeNull();
    expect(cursorFilter(Buffer.from('["nope", 1]').toString('base64url'))).toBeNull();
    expect(cursorFilter(Buffer.from('{"a":1}').toString('base64url'))).toBeNull();
  });
});
