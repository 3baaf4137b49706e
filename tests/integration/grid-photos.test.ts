import { buildApp } from '@zhibu/server';
import type { GridIssue, GridPhoto } from '@zhibu/shared';
import type { Job } from 'bullmq';
import { ObjectId } from 'mongodb';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GRID_DIGEST_DAILY, gridDigestProcessor } from '../../workers/src/jobs/grid-digest.js';
import { startTestApp } from '../support/app.js';
import { type GridWorld, gridApi, gridWorld, startWorkers, type Who, waitFor } from './grid.fixtures.js';

let ctx: Awaited<ReturnType<typeof startTestApp>>;
let w: GridWorld;
let api: ReturnType<typeof gridApi>;
let workers: Awaited<ReturnType<typeof startWorkers>>;

beforeAll(async () => {
  ctx = await startTestApp('grid-photos');
  w = await gridWorld(ctx.app);
  api = gridApi(ctx.app);
  workers = await startWorkers(ctx.app);
  await api.rule(w.admin, { priority: 1, category: 'hazard', departmentId: w.safety.id });
});
afterAll(async () => {
  await workers?.close();
  await ctx?.close();
});

/** A real JPEG from a "phone": EXIF names the author and the camera. */
const phoneJpeg = (colour = '#2f54eb') =>
  sharp({ create: { width: 1600, height: 1200, channels: 3, background: colour } })
    .withExif({ IFD0: { Artist: '居民甲', Make: 'PhoneMaker', Model: 'P1' } })
    .jpeg()
    .toBuffer();

const upload = async (who: Who, type: string, body: Buffer) =>
  ctx.app.inject({
    method: 'POST',
    url: '/api/v1/grid/photos',
    headers: { ...(await api.headersOf(who)), 'content-type': type },
    payload: body,
  });

const uploadOk = async (who: Who, colour?: string): Promise<GridPhoto> => {
  const res = await upload(who, 'image/jpeg', await phoneJpeg(colour));
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
};

const download = async (who: Who | null, id: string, thumb = false) =>
  ctx.app.inject({
    method: 'GET',
    url: `/api/v1/grid/photos/${id}${thumb ? '?thumb=true' : ''}`,
    headers: who ? await api.headersOf(who) : {},
  });

const routed = (who: Who, id: string) =>
  waitFor(async () => {
    const d = await api.detail(who, id);
    return d.status === 'assigned' ? d : null;
  });

describe('report photos', () => {
  let photo: GridPhoto;
  let issue: GridIssue;
  let legalPhoto: GridPhoto;

  it('stores an upload with a thumbnail; before a report uses it only the uploader sees it', async () => {
    photo = await uploadOk(w.resident);
    expect(photo).toMatchObject({ mime: 'image/jpeg', width: 1600, height: 1200 });
    expect((await download(w.resident, photo.id)).statusCode).toBe(200);
    expect((await download(w.resident2, photo.id)).statusCode).toBe(403);
    expect((await download(w.admin, photo.id)).statusCode).toBe(403);
    expect((await download(null, photo.id)).statusCode).toBe(401);
    expect((await download(w.resident, '0123456789abcdef01234567')).statusCode).toBe(404);
  });

  it('an anonymous report shows its photo to readers without naming the reporter', async () => {
    issue = await api.report(w.resident, {
      category: 'hazard',
      gridId: w.grid1.id,
      title: '楼道消防通道堆物',
      anonymous: true,
      photos: [photo.id],
    });
    expect(issue.photos).toEqual([photo.id]);
    const assigned = await routed(w.safetyStaff, issue.id);
    expect(assigned.target?.departmentId).toBe(w.safety.id);

    // The handling department, the grid worker, admins and (public issue) other residents may see it.
    for (const who of [w.safetyStaff, w.gridWorker, w.admin, w.resident2]) {
      const res = await download(who, photo.id);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.headers['content-type']).toBe('image/jpeg');
      const meta = await sharp(res.rawPayload).metadata();
      expect(meta.format).toBe('jpeg');
      expect(meta.width).toBe(1600);
      // No EXIF: the author's name and phone stay with the reporter.
      expect(meta.exif).toBeUndefined();
      expect(res.rawPayload.includes(Buffer.from('PhoneMaker'))).toBe(false);
      expect(JSON.stringify(res.headers)).not.toContain(w.resident.id);
    }
    const thumb = await download(w.resident2, photo.id, true);
    expect(thumb.statusCode).toBe(200);
    const meta = await sharp(thumb.rawPayload).metadata();
    expect(meta.format).toBe('webp');
    expect(Math.max(meta.width ?? 0, meta.height ?? 0)).toBeLessThanOrEqual(320);

    const publicView = await api.detail(w.resident2, issue.id);
    expect(publicView.photos).toEqual([photo.id]);
    expect(publicView.reporterId).toBeNull();
  });

  it('a legal question’s photo is for the lawyer and admins only', async () => {
    const p = await uploadOk(w.resident, '#faad14');
    legalPhoto = p;
    const legal = await api.report(w.resident, {
      category: 'legalQuestion',
      title: '劳动合同到期不续签有补偿吗',
      photos: [p.id],
    });
    const held = await waitFor(async () => {
      const d = await api.detail(w.admin, legal.id);
      return d.target?.kind === 'lawyer' ? d : null;
    });
    const lawyer = held.target?.lawyerId === w.lawyerA.id ? w.lawyerA : w.lawyerB;
    const other = lawyer === w.lawyerA ? w.lawyerB : w.lawyerA;
    expect((await download(lawyer, p.id)).statusCode).toBe(200);
    expect((await download(w.admin, p.id)).statusCode).toBe(200);
    expect((await download(w.resident, p.id)).statusCode).toBe(200);
    for (const who of [other, w.resident2, w.safetyStaff, w.gridWorker]) {
      const res = await download(who, p.id);
      expect(res.statusCode).toBe(403);
      expect(res.json().code).toBe('FORBIDDEN');
    }
  });

  it('the Open311 media_url serves a public issue’s photo without a sign-in, and nothing else', async () => {
    const listed = await ctx.app.inject({ method: 'GET', url: `/open311/v2/requests/${issue.id}.json` });
    const mediaUrl = new URL(listed.json()[0].media_url);
    expect(mediaUrl.origin).toBe(new URL(ctx.app.ctx.config.PUBLIC_URL).origin);
    const media = await ctx.app.inject({ method: 'GET', url: mediaUrl.pathname });
    expect(media.statusCode, media.body).toBe(200);
    expect(media.headers['content-type']).toBe('image/jpeg');
    expect(media.headers['cache-control']).toContain('public');
    expect((await sharp(media.rawPayload).metadata()).exif).toBeUndefined();
    const thumb = await ctx.app.inject({ method: 'GET', url: `${mediaUrl.pathname}?thumb=true` });
    expect((await sharp(thumb.rawPayload).metadata()).format).toBe('webp');

    const unused = await uploadOk(w.resident, '#52c41a');
    for (const id of [legalPhoto.id, unused.id]) {
      const res = await ctx.app.inject({ method: 'GET', url: `/open311/v2/media/${id}` });
      expect(res.statusCode).toBe(403);
      expect(res.json().code).toBe('FORBIDDEN');
    }
    const unknown = await ctx.app.inject({
      method: 'GET',
      url: '/open311/v2/media/0123456789abcdef01234567',
    });
    expect(unknown.statusCode).toBe(404);
    const bad = await ctx.app.inject({ method: 'GET', url: '/open311/v2/media/not-an-id' });
    expect(bad.statusCode).toBe(400);

    // An operator may keep photos off the public API: no link, and no route that serves them.
    const closed = await buildApp({ ...ctx.app.ctx.config, OPEN311_PHOTOS: 'off' });
    try {
      const request = await closed.inject({ method: 'GET', url: `/open311/v2/requests/${issue.id}.json` });
      expect(request.json()[0].media_url).toBeNull();
      expect((await closed.inject({ method: 'GET', url: mediaUrl.pathname })).statusCode).toBe(404);
    } finally {
      await closed.close();
    }
  });

  it('takes only the uploader’s own photos, each for one issue', async () => {
    const again = await api.call('POST', '/api/v1/grid/issues', w.resident, {
      category: 'hazard',
      title: '同一张照片',
      description: 'x',
      address: 'x',
      photos: [photo.id],
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('INVALID_STATE');

    const mine = await uploadOk(w.resident2, '#52c41a');
    const stolen = await api.call('POST', '/api/v1/grid/issues', w.resident, {
      category: 'hazard',
      title: '别人的照片',
      description: 'x',
      address: 'x',
      photos: [mine.id],
    });
    expect(stolen.statusCode).toBe(400);
    expect(stolen.json().code).toBe('VALIDATION_FAILED');
    expect((await download(w.resident, mine.id)).statusCode).toBe(403);
    // Refused reports leave the photo free for its owner.
    const own = await api.report(w.resident2, {
      category: 'opinion',
      title: '增设休息座椅',
      photos: [mine.id],
    });
    expect(own.photos).toEqual([mine.id]);

    const notAnId = await api.call('POST', '/api/v1/grid/issues', w.resident, {
      category: 'hazard',
      title: 'x',
      description: 'x',
      address: 'x',
      photos: ['photo-1'],
    });
    expect(notAnId.statusCode).toBe(400);
  });

  it('refuses other types, undecodable images, HEIC and oversized files with stable codes', async () => {
    const text = await upload(w.resident, 'text/plain', Buffer.from('hello'));
    expect([text.statusCode, text.json().code]).toEqual([415, 'ATTACHMENT_TYPE']);
    const fake = await upload(w.resident, 'image/png', Buffer.from('not an image at all'));
    expect([fake.statusCode, fake.json().code]).toEqual([415, 'ATTACHMENT_TYPE']);
    const heic = await upload(w.resident, 'image/heic', Buffer.from('....ftypheic'));
    expect([heic.statusCode, heic.json().code]).toEqual([415, 'ATTACHMENT_TYPE']);
    // Declared as JPEG but really a GIF: the decoded format decides.
    const gif = await sharp({ create: { width: 10, height: 10, channels: 3, background: '#000' } })
      .gif()
      .toBuffer();
    const disguised = await upload(w.resident, 'image/jpeg', gif);
    expect([disguised.statusCode, disguised.json().code]).toEqual([415, 'ATTACHMENT_TYPE']);
    const big = await upload(w.resident, 'image/jpeg', Buffer.alloc(10 * 1024 * 1024 + 1, 1));
    expect([big.statusCode, big.json().code]).toEqual([413, 'ATTACHMENT_TOO_LARGE']);
    const huge = await upload(w.resident, 'image/jpeg', Buffer.alloc(12 * 1024 * 1024, 1));
    expect(huge.statusCode).toBe(413);
    const empty = await upload(w.resident, 'image/jpeg', Buffer.alloc(0));
    expect(empty.statusCode).toBe(400);
    // PNG and WebP are accepted as well.
    const png = await sharp({ create: { width: 40, height: 30, channels: 4, background: '#fff' } })
      .png()
      .toBuffer();
    const pngRes = await upload(w.resident, 'image/png', png);
    expect([pngRes.statusCode, pngRes.json().mime]).toEqual([201, 'image/png']);
    const webp = await sharp(png).webp().toBuffer();
    const webpRes = await upload(w.resident, 'image/webp', webp);
    expect([webpRes.statusCode, webpRes.json().mime]).toEqual([201, 'image/webp']);
  });
});

describe('verification photos', () => {
  it('the grid worker’s 核查 photos go with the verification; a refused verification frees them', async () => {
    const issue = await api.report(w.resident, {
      category: 'hazard',
      gridId: w.grid1.id,
      title: '路灯不亮',
    });
    await routed(w.safetyStaff, issue.id);
    await api.act(w.safetyStaff, issue.id, { action: 'resolve', outcome: '已更换灯泡' });
    const workerPhoto = await uploadOk(w.gridWorker, '#13c2c2');
    // The community staff may not verify: their photo is given back and stays theirs alone.
    const staffPhoto = await uploadOk(w.communityStaff, '#eb2f96');
    await api.act(
      w.communityStaff,
      issue.id,
      { action: 'verify', ok: true, comment: 'x', photos: [staffPhoto.id] },
      403,
    );
    // Someone else's upload cannot be attached to a verification either.
    await api.act(
      w.gridWorker,
      issue.id,
      { action: 'verify', ok: true, comment: 'x', photos: [staffPhoto.id] },
      400,
    );
    await api.act(w.gridWorker, issue.id, {
      action: 'verify',
      ok: true,
      comment: '现场核查路灯正常',
      photos: [workerPhoto.id],
    });
    const detail = await api.detail(w.resident, issue.id);
    const verified = detail.timeline.find((e) => e.data.type === 'verified');
    expect(verified?.data).toMatchObject({ photos: [workerPhoto.id] });
    for (const who of [w.resident, w.safetyStaff, w.admin, w.resident2]) {
      expect((await download(who, workerPhoto.id)).statusCode).toBe(200);
    }
    expect((await download(w.resident, staffPhoto.id)).statusCode).toBe(403);
    // The freed photo can still be used by its owner.
    const own = await api.report(w.communityStaff, {
      category: 'opinion',
      title: '建议增加垃圾桶',
      photos: [staffPhoto.id],
    });
    expect(own.photos).toEqual([staffPhoto.id]);
  });
});

describe('a report cut short by a crash', () => {
  it('names its issue from the start, and the daily purge frees photos whose report or verification never came to be', async () => {
    const photos = workers.rt.grid.photos;
    const uses = ctx.app.ctx.db.collection('grid_photo_uses');
    // A report that completed: its photo's use names the issue and is settled.
    const kept = await uploadOk(w.resident2, '#13c2c2');
    const issue = await api.report(w.resident2, {
      category: 'opinion',
      title: '建议修路灯',
      photos: [kept.id],
    });
    expect(await uses.findOne({ _id: new ObjectId(kept.id) })).toMatchObject({
      issueId: issue.id,
      settled: true,
    });

    // The process died after taking the photo for a new issue and before writing that issue's event.
    const lost = await uploadOk(w.resident2, '#eb2f96');
    await photos.claim(w.resident2.id, [lost.id], new ObjectId().toHexString());
    // … or after writing the event and before settling the claim.
    const late = await uploadOk(w.resident2, '#fa8c16');
    const lateIssue = await api.report(w.resident2, {
      category: 'opinion',
      title: '建议修台阶',
      photos: [late.id],
    });
    await uses.updateOne({ _id: new ObjectId(late.id) }, { $set: { settled: false } });
    // … or a grid worker's verification of an existing issue died between its claim and its event.
    const unverified = await uploadOk(w.gridWorker, '#722ed1');
    await photos.claim(w.gridWorker.id, [unverified.id], issue.id);

    // Meanwhile the photo is taken; a fresh claim is left alone by the purge.
    const retry = {
      category: 'opinion',
      title: '建议修路灯',
      description: 'x',
      address: 'x',
      photos: [lost.id],
    };
    expect((await api.call('POST', '/api/v1/grid/issues', w.resident2, retry)).statusCode).toBe(409);
    expect(await photos.releaseOrphans(new Date(Date.now() - 60_000))).toBe(0);

    expect(await photos.releaseOrphans(new Date(Date.now() + 60_000))).toBe(2);
    expect(await uses.findOne({ _id: new ObjectId(late.id) })).toMatchObject({
      issueId: lateIssue.id,
      settled: true,
    });
    // The verification's photo is not the issue's: readers of the issue may not open it.
    expect(await uses.findOne({ _id: new ObjectId(unverified.id) })).toBeNull();
    expect((await download(w.resident2, unverified.id)).statusCode).toBe(403);
    // The freed photo is its owner's to use again.
    const again = await api.report(w.resident2, retry);
    expect(again.photos).toEqual([lost.id]);
  });
});

describe('a report sent again', () => {
  const send = (body: Record<string, unknown>) => api.report(w.resident2, { category: 'hazard', ...body });
  const count = (title: string) =>
    ctx.app.ctx.db.collection('grid_issue_events').countDocuments({ type: 'reported', 'data.title': title });

  it('with the same client id is stored once, however the attempts interleave', async () => {
    const photo = await uploadOk(w.resident2, '#52c41a');
    const body = { title: '楼道堵塞', photos: [photo.id], clientId: 'report-retry-0001' };
    const [a, b] = await Promise.all([send(body), send(body)]);
    const c = await send({ ...body, title: '楼道堵塞（改）' }); // a retry after the form was edited
    expect(new Set([a.id, b.id, c.id]).size).toBe(1);
    expect(c.title).toBe('楼道堵塞');
    expect(c.photos).toEqual([photo.id]);
    expect(await count('楼道堵塞')).toBe(1);
    expect(await count('楼道堵塞（改）')).toBe(0);
    // Another client id is another report; the same client id of another reporter too.
    const other = await send({ title: '楼道堵塞', clientId: 'report-retry-0002' });
    expect(other.id).not.toBe(a.id);
    const theirs = await api.report(w.resident, {
      category: 'hazard',
      title: '楼道堵塞',
      clientId: 'report-retry-0001',
    });
    expect(theirs.id).not.toBe(a.id);

    // Client ids are kept for retries, not for ever: once forgotten, the same id files a new report.
    expect(await workers.rt.grid.reports.forgetClientIds(new Date(Date.now() - 60_000))).toBe(0);
    expect(
      await workers.rt.grid.reports.forgetClientIds(new Date(Date.now() + 60_000)),
    ).toBeGreaterThanOrEqual(3);
    const later = await send({ title: '楼道又堵了', clientId: 'report-retry-0001' });
    expect(later.id).not.toBe(a.id);
    expect(later.title).toBe('楼道又堵了');
  });

  it('after a crash that took its photos but stored nothing, completes with the same id and photos', async () => {
    const photo = await uploadOk(w.resident2, '#faad14');
    // The first attempt took the report's id and its photo, then its process died.
    const body = { title: '电线裸露', photos: [photo.id], clientId: 'report-crash-0001' };
    const issueId = new ObjectId();
    await ctx.app.ctx.db
      .collection('grid_report_keys')
      .insertOne({ _id: `${w.resident2.id}:${body.clientId}` as never, issueId, at: new Date() });
    await workers.rt.grid.photos.claim(w.resident2.id, [photo.id], issueId.toHexString());

    const issue = await send(body);
    expect(issue.id).toBe(issueId.toHexString());
    expect(issue.photos).toEqual([photo.id]);
    expect(await routed(w.resident2, issue.id)).toBeTruthy();
    expect((await download(w.admin, photo.id)).statusCode).toBe(200);
    expect(await count('电线裸露')).toBe(1);
  });
});

describe('abandoned uploads', () => {
  it('the daily purge removes uploads no issue took, and never a photo in use', async () => {
    const abandoned = await uploadOk(w.resident2, '#722ed1');
    const used = await uploadOk(w.resident2, '#a0d911');
    await api.report(w.resident2, { category: 'opinion', title: '建议增设宣传栏', photos: [used.id] });
    const purged = await workers.rt.grid.photos.purgeUnused(new Date(Date.now() + 60_000));
    expect(purged).toBeGreaterThanOrEqual(1);
    expect((await download(w.resident2, abandoned.id)).statusCode).toBe(404);
    expect((await download(w.resident2, used.id)).statusCode).toBe(200);
    expect((await download(w.admin, used.id)).statusCode).toBe(200);
    // A purged id cannot be attached any more.
    const late = await api.call('POST', '/api/v1/grid/issues', w.resident2, {
      category: 'opinion',
      title: '迟到的照片',
      description: 'x',
      address: 'x',
      photos: [abandoned.id],
    });
    expect(late.statusCode).toBe(400);
    // Photos of earlier tests that issues took are all still there.
    expect(await ctx.app.ctx.db.collection('grid_photos').countDocuments({ used: true })).toBeGreaterThan(3);
  });
});

describe('the daily tick', () => {
  it('frees photos of reports that never came to exist, purges old unused uploads and forgets old client ids', async () => {
    const db = ctx.app.ctx.db;
    const hour = 3_600_000;
    const ago = (ms: number) => new Date(Date.now() - ms);
    // A claim two hours old whose report was never written (its process died) …
    const orphan = await uploadOk(w.resident2, '#ff4d4f');
    await workers.rt.grid.photos.claim(w.resident2.id, [orphan.id], new ObjectId().toHexString());
    await db
      .collection('grid_photo_uses')
      .updateOne({ _id: new ObjectId(orphan.id) }, { $set: { at: ago(2 * hour) } });
    // … an upload three days old that no report took …
    const stale = await uploadOk(w.resident2, '#9254de');
    await db
      .collection('grid_photos')
      .updateOne({ _id: new ObjectId(stale.id) }, { $set: { createdAt: ago(72 * hour) } });
    // … and a report's client id eight days old.
    await api.report(w.resident2, {
      category: 'opinion',
      title: '建议增设座椅',
      clientId: 'report-daily-0001',
    });
    await db
      .collection('grid_report_keys')
      .updateOne(
        { _id: `${w.resident2.id}:report-daily-0001` as never },
        { $set: { at: ago(8 * 24 * hour) } },
      );

    const days: string[] = [];
    const tick = gridDigestProcessor(workers.rt, async (day) => {
      days.push(day);
    });
    const result = (await tick({ name: GRID_DIGEST_DAILY, data: {} } as Job)) as Record<string, number>;
    expect(days).toHaveLength(1);
    expect(result.releasedPhotos).toBeGreaterThanOrEqual(1);
    expect(result.purgedPhotos).toBeGreaterThanOrEqual(1);
    expect(result.forgottenClientIds).toBeGreaterThanOrEqual(1);
    expect(await db.collection('grid_photo_uses').countDocuments({ _id: new ObjectId(orphan.id) })).toBe(0);
    expect((await download(w.resident2, stale.id)).statusCode).toBe(404);
    expect(
      await db
        .collection('grid_report_keys')
        .countDocuments({ _id: `${w.resident2.id}:report-daily-0001` as never }),
    ).toBe(0);
    // The freed photo is its owner's again.
    const again = await api.report(w.resident2, {
      category: 'opinion',
      title: '建议增设路灯',
      photos: [orphan.id],
    });
    expect(again.photos).toEqual([orphan.id]);
  });
});
