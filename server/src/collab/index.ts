import { createAccessResolver } from '../domains/documents/access-cache.js';
import { createDocumentsRepo } from '../domains/documents/repo.js';
import { contentChanged, templateFor } from '../domains/documents/service.js';
import { subscribeOrgEvents } from '../domains/org/events.js';
import type { App } from '../http/types.js';
import { type Collab, createCollab } from './server.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The collaboration server (/collab/<docName>); documents routes use it for server-side edits. */
    collab: Collab;
  }
}

/**
 * Attaches the collaboration endpoint to the app's HTTP server ('upgrade' for /collab/ paths only;
 * Socket.IO shares the server with destroyUpgrade: false), cuts connections off live on org events, and
 * flushes every loaded document when the app closes.
 */
export async function attachCollab(app: App): Promise<Collab> {
  const { ctx } = app;
  const repo = createDocumentsRepo(ctx.db);
  const access = createAccessResolver(ctx);
  const collab = createCollab(ctx, {
    verifyToken: (token) => app.deps.auth.accessTokens.verify(token),
    documents: {
      access: (userId, docId, kind) => access.access(userId, docId, kind),
      forget: (what) => ('userId' in what ? access.forgetUser(what.userId) : access.forgetDoc(what.docId)),
      async template(docId) {
        const doc = await repo.findById(docId);
        return doc ? templateFor(doc) : null;
      },
      contentChanged: (docId, doc) => contentChanged(ctx, docId, doc),
    },
  });
  await collab.start();
  const unsubscribe = await subscribeOrgEvents(ctx, async (event) => {
    if ('userId' in event) await collab.userAccessChanged(event.userId);
  });
  app.server.on('upgrade', collab.onUpgrade);
  app.decorate('collab', collab);
  // preClose, not onClose: the documents must be flushed before the MongoDB client closes.
  app.addHook('preClose', async () => {
    app.server.off('upgrade', collab.onUpgrade);
    await unsubscribe();
    await collab.close();
  });
  return collab;
}
