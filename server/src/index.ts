export { type BuildOptions, buildApp } from './app.js';
export { type Config, ConfigError, loadConfig } from './config.js';
export type { AppContext } from './context.js';
export { createInsertBatcher } from './db/batch.js';
export { collectionIndexes } from './db/indexes.js';
export { connectMongo, ensureIndexes, isDuplicateKey, type Mongo } from './db/mongo.js';
export { appendEvent, insertOnce, type VersionedEvent } from './db/patterns.js';
export { hashPassword } from './domains/auth/password.js';
export { createCounters } from './domains/channels/counters.js';
export { type ChatNotification, chatNotificationsFor } from './domains/channels/notify-targets.js';
export * from './domains/grid/index.js';
export { createInvitationsService, type InvitationsService } from './domains/invitations/service.js';
export {
  createNotificationsService,
  type NotificationsContext,
  type NotificationsService,
  type NotifyInput,
} from './domains/notifications/service.js';
export { publishOrgEvent, subscribeOrgEvents } from './domains/org/events.js';
export { createOrgService, type OrgService } from './domains/org/service.js';
export * from './domains/permissions/index.js';
export { createUsersRepo, type UserDoc } from './domains/users/repo.js';
export { AppError } from './http/app-error.js';
export { bullPrefix, createQueues, jobOptions, type Queues } from './jobs/queues.js';
export { createRedis } from './redis.js';
