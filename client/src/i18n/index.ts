import type { Locale } from '@zhibu/shared';
import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';

/**
 * Strings live per area in `i18n/<lang>/<area>.json`; each file is one namespace named after the area.
 * Adding a file is all it takes to register a namespace (use it as `useTranslation('<area>')`).
 */
const files = import.meta.glob<{ default: Record<string, unknown> }>('./*/*.json', { eager: true });

type Resources = Record<string, Record<string, Record<string, unknown>>>;
const resources: Resources = {};
for (const [file, module] of Object.entries(files)) {
  const match = /^\.\/([^/]+)\/([^/]+)\.json$/.exec(file);
  if (!match) continue;
  const [, lang, namespace] = match as unknown as [string, string, string];
  resources[lang] ??= {};
  resources[lang][namespace] = module.default;
}

export const LOCALES: readonly Locale[] = ['zh-CN', 'en'];
const STORAGE_KEY = 'zhibu.locale';

export function storedLocale(): Locale {
  const value = localStorage.getItem(STORAGE_KEY);
  return value === 'en' || value === 'zh-CN' ? value : 'zh-CN';
}

export function rememberLocale(locale: Locale): void {
  localStorage.setItem(STORAGE_KEY, locale);
}

void i18n.use(initReactI18next).init({
  resources,
  lng: storedLocale(),
  fallbackLng: 'zh-CN',
  ns: Object.keys(resources['zh-CN'] ?? {}),
  defaultNS: 'common',
  interpolation: { escapeValue: false }, // React escapes; user text is never rendered as HTML.
  returnNull: false,
});

export { i18n };
