import { servicesUp } from '../../scripts/services.js';

/** Makes sure the real services are up once per test run and hands their URLs to the test files. */
export default async function setup({ provide }: { provide: (key: string, value: string) => void }) {
  const urls = await servicesUp();
  process.env.MONGODB_URL = urls.mongoUrl;
  process.env.REDIS_URL = urls.redisUrl;
  provide('mongoUrl', urls.mongoUrl);
  provide('redisUrl', urls.redisUrl);
}

declare module 'vitest' {
  export interface ProvidedContext {
    mongoUrl: string;
    redisUrl: string;
  }
}
