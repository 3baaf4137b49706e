import { type Static, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

const Csv = Type.String({ default: '' });

/** Every setting the server and workers read from the environment. Validated once at boot. */
export const ConfigSchema = Type.Object({
  NODE_ENV: Type.Union([Type.Literal('development'), Type.Literal('production'), Type.Literal('test')], {
    default: 'development',
  }),
  HOST: Type.String({ default: '0.0.0.0' }),
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000 }),
  PUBLIC_URL: Type.String({ default: 'http://localhost:3000' }),
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
    { default: 'info' },
  ),
  MONGODB_URL: Type.String({ pattern: '^mongodb(\\+srv)?://' }),
  MONGODB_DB: Type.String({ pattern: '^[A-Za-z0-9_-]{1,63}$', default: 'zhibu' }),
  MONGODB_POOL_SIZE: Type.Integer({ minimum: 1, maximum: 100, default: 10 }),
  REDIS_URL: Type.String({ pattern: '^rediss?://' }),
  REDIS_PREFIX: Type.String({ pattern: '^[A-Za-z0-9_:-]{1,64}$', default: 'zhibu' }),
  JWT_SECRET: Type.String({ minLength: 32 }),
  ACCESS_TOKEN_TTL_SECONDS: Type.Integer({ minimum: 30, maximum: 86_400, default: 900 }),
  REFRESH_TOKEN_TTL_DAYS: Type.Integer({ minimum: 1, maximum: 365, default: 30 }),
  INVITATION_TTL_HOURS: Type.Integer({ minimum: 1, maximum: 24 * 60, default: 72 }),
  CORS_ORIGINS: Csv,
  RATE_LIMIT_PER_MINUTE: Type.Integer({ minimum: 1, default: 600 }),
  LOGIN_MAX_FAILURES_PER_ACCOUNT: Type.Integer({ minimum: 1, default: 5 }),
  LOGIN_MAX_FAILURES_PER_IP: Type.Integer({ minimum: 1, default: 30 }),
  LOGIN_LOCK_SECONDS: Type.Integer({ minimum: 1, default: 900 }),
  ZHIBU_ADMIN_USERNAME: Type.Optional(Type.String({ minLength: 3, maxLength: 32 })),
  ZHIBU_ADMIN_PASSWORD: Type.Optional(Type.String({ minLength: 8, maxLength: 128 })),
  CLIENT_DIST: Type.Optional(Type.String({ description: 'Folder of the built web client to serve' })),
  TRUST_PROXY: Type.Boolean({ default: false }),
  SMTP_URL: Type.Optional(Type.String({ pattern: '^smtps?://' })),
  SMTP_FROM: Type.String({ minLength: 3, maxLength: 200, default: 'Zhibu 云支部 <noreply@zhibu.local>' }),
  /** Co-edited documents (/collab): caps, write-behind, unload grace, compaction, automatic versions. */
  COLLAB_MAX_DOC_BYTES: Type.Integer({ minimum: 1024, maximum: 3_500_000, default: 2_000_000 }),
  COLLAB_MAX_UPDATE_BYTES: Type.Integer({ minimum: 1024, maximum: 2_000_000, default: 512_000 }),
  COLLAB_FLUSH_MS: Type.Integer({ minimum: 10, maximum: 900, default: 400 }),
  COLLAB_UNLOAD_GRACE_MS: Type.Integer({ minimum: 0, maximum: 600_000, default: 10_000 }),
  /**
   * Stored records of a document (one per write-behind flush) before they are merged. A merge rebuilds the
   * whole document on the event loop (about 10 ms for a busy one), so under load (50 documents × 10 editors)
   * merging every 50 records put a merge in the way of relayed updates about every 0.4 s.
   */
  COLLAB_COMPACT_AFTER: Type.Integer({ minimum: 2, maximum: 100_000, default: 500 }),
  COLLAB_AUTO_VERSION_MINUTES: Type.Integer({ minimum: 1, maximum: 1440, default: 10 }),
  /** A connection that does not answer a ping within this long is ended (its peer went away silently). */
  COLLAB_HEARTBEAT_MS: Type.Integer({ minimum: 100, maximum: 600_000, default: 30_000 }),
  /** Whether the public Open311 API links and serves the photos of public grid issues. */
  OPEN311_PHOTOS: Type.Union([Type.Literal('public'), Type.Literal('off')], { default: 'public' }),
  /** A font with CJK glyphs for PDF export (TrueType/OpenType; .ttc collections use their first face). */
  PDF_CJK_FONT_PATH: Type.String({ default: '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc' }),
});
export type Config = Static<typeof ConfigSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads the configuration from an environment-like object; throws ConfigError naming every problem. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const known = Object.keys(ConfigSchema.properties);
  const raw: Record<string, unknown> = {};
  for (const key of known) {
    const value = env[key];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  const withDefaults = Value.Default(ConfigSchema, raw);
  const converted = Value.Convert(ConfigSchema, withDefaults);
  const problems = [...Value.Errors(ConfigSchema, converted)].map((e) => {
    const key = e.path.replace(/^\//, '') || '(root)';
    return `${key}: ${e.message}${key in raw || e.path === '' ? '' : ' (not set)'}`;
  });
  if (problems.length > 0) throw new ConfigError(problems);
  return converted as Config;
}

export const corsOrigins = (config: Config): string[] =>
  config.CORS_ORIGINS.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
