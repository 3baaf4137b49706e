import { type QueryKey, useMutation, useQueryClient } from '@tanstack/react-query';
import { App } from 'antd';
import { useErrorMessage } from '../api/errors';

/**
 * A mutation as the admin forms use it: on success refresh the lists under `invalidate`, toast `success`
 * (if given), then `onDone`; on failure toast the translated error.
 */
export function useSave<V, R = unknown>(
  mutationFn: (values: V) => Promise<R>,
  options: { invalidate: QueryKey; success?: string | ((result: R) => string); onDone?: (result: R) => void },
) {
  const client = useQueryClient();
  const { message } = App.useApp();
  const errorMessage = useErrorMessage();
  return useMutation({
    mutationFn,
    onSuccess: async (result) => {
      const text = typeof options.success === 'function' ? options.success(result) : options.success;
      if (text) message.success(text);
      await client.invalidateQueries({ queryKey: options.invalidate });
      options.onDone?.(result);
    },
    onError: (e) => message.error(errorMessage(e)),
  });
}
