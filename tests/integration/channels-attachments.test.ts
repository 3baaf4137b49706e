import type { Attachment, Message } from '@zhibu/shared';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BuiltUser } from '../support/factories.js';
import { branchChannelOf, clientId, closeSockets, connect, emitAck, startChat } from './channels.fixtures.js';

let t: Awaited<ReturnType<typeof startChat>>;
let alice: BuiltUser;
let bob: BuiltUser;
let outsider: BuiltUser;
let channelId: string;

beforeAll(async () => {
  t = await startChat('chanfiles');
  const branch = await t.f.buildBranch();
  alice = (await t.f.buildMember({ branchId: branch.id })).user;
  bob = (await t.f.buildMember({ branchId: branch.id })).user;
  outsider = (await t.f.buildMember()).user;
  channelId = (await branchChannelOf(t.app, alice.headers, branch.id)).id;
});
afterEach(() => closeSockets());
afterAll(() => t.close());

const upload = (user: BuiltUser, name: string, type: string, body: Buffer) =>
  t.app.inject({
    method: 'POST',
    url: `/api/v1/channels/${channelId}/attachments?name=${encodeURIComponent(name)}`,
    headers: { ...user.headers, 'content-type': type },
    payload: body,
  });

describe('attachments', () => {
  it('stores an image in GridFS with a thumbnail; members download it, others cannot', async () => {
    const png = await sharp({ create: { width: 1200, height: 800, channels: 3, background: '#c41d1d' } })
      .png()
      .toBuffer();
    const res = await upload(alice, '支部活动.png', 'image/png', png);
    expect(res.statusCode, res.body).toBe(201);
    const file = res.json() as Attachment;
    expect(file).toMatchObject({
      name: '支部活动.png',
      mime: 'image/png',
      size: png.length,
      hasThumbnail: true,
    });

    // Before it is sent, only the uploader sees it.
    const early = await t.app.inject({
      method: 'GET',
      url: `/api/v1/attachments/${file.id}`,
      headers: bob.headers,
    });
    expect(early.statusCode).toBe(404);

    const a = await connect(t.url, alice.token);
    const sent = await emitAck<{ message: Message }>(a, 'message:send', {
      channelId,
      clientId: clientId(),
      text: '活动照片',
      attachmentIds: [file.id],
    });
    expect(sent.ok && sent.message.attachments.map((x) => x.id)).toEqual([file.id]);

    const full = await t.app.inject({
      method: 'GET',
      url: `/api/v1/attachments/${file.id}`,
      headers: bob.headers,
    });
    expect(full.statusCode).toBe(200);
    expect(full.headers['content-type']).toBe('image/png');
    expect(full.rawPayload.equals(png)).toBe(true);
    const thumb = await t.app.inject({
      method: 'GET',
      url: `/api/v1/attachments/${file.id}?thumb=true`,
      headers: bob.headers,
    });
    expect(thumb.statusCode).toBe(200);
    const meta = await sharp(thumb.rawPayload).metadata();
    expect(meta.format).toBe('webp');
    expect(Math.max(meta.width ?? 0, meta.height ?? 0)).toBeLessThanOrEqual(320);

    const denied = await t.app.inject({
      method: 'GET',
      url: `/api/v1/attachments/${file.id}`,
      headers: outsider.headers,
    });
    expect(denied.statusCode).toBe(404);
    const anonymous = await t.app.inject({ method: 'GET', url: `/api/v1/attachments/${file.id}` });
    expect(anonymous.statusCode).toBe(401);
  });

  it('refuses other types, fake images, oversize files, and attaching someone else’s upload', async () => {
    expect((await upload(alice, 'run.exe', 'application/x-msdownload', Buffer.from('MZ'))).json().code).toBe(
      'ATTACHMENT_TYPE',
    );
    expect((await upload(alice, 'fake.png', 'image/png', Buffer.from('not an image'))).json().code).toBe(
      'ATTACHMENT_TYPE',
    );
    const big = await upload(alice, 'big.pdf', 'application/pdf', Buffer.alloc(20 * 1024 * 1024 + 10, 1));
    expect(big.statusCode).toBe(413);
    expect((await upload(outsider, 'x.txt', 'text/plain', Buffer.from('hi'))).statusCode).toBe(404);

    const mine = (
      await upload(alice, '纪要.txt', 'text/plain', Buffer.from('会议纪要'))
    ).json() as Attachment;
    const b = await connect(t.url, bob.token);
    const stolen = await emitAck(b, 'message:send', {
      channelId,
      clientId: clientId(),
      text: 'x',
      attachmentIds: [mine.id],
    });
    expect(stolen).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });
});
