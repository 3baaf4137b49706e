import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from './http';

/** Turns any error into a message for the user, translated by its stable code when we know it. */
export function useErrorMessage(): (error: unknown) => string {
  const { t } = useTranslation('errors');
  return useCallback(
    (error: unknown) => {
      if (error instanceof ApiError) {
        // Codes this area has no translation for fall back to the server's own message.
        const base = t(error.code, { defaultValue: error.message || t('UNKNOWN') });
        const field = error.code === 'VALIDATION_FAILED' ? error.details[0] : undefined;
        return field ? `${base}（${field.field.replace(/^body\./, '')}: ${field.reason}）` : base;
      }
      return t('UNKNOWN');
    },
    [t],
  );
}
