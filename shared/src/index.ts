export * from './auth.js';
export * from './common.js';
export * from './errors.js';
export * from './jobs/index.js';
export * from './notifications.js';
export * from './org.js';
export * from './roles.js';
