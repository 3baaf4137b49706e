import type { Rule } from 'antd/es/form';
import type { TFunction } from 'i18next';

/** Mirrors the shared Username / Password schemas so the form complains before the server does. */
export const usernameRules = (t: TFunction): Rule[] => [
  { required: true, message: t('auth:required') },
  { pattern: /^[A-Za-z0-9_.-]{3,32}$/, message: t('auth:usernameRule') },
];

export const passwordRules = (t: TFunction): Rule[] => [
  { required: true, message: t('auth:required') },
  { min: 8, max: 128, message: t('auth:passwordRule') },
];
