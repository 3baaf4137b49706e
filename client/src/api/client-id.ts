let counter = 0;

/**
 * A fresh client-chosen id for something the server must store once however often it is sent (a chat
 * message, a grid report): a retry after a lost answer carries the same id and gets the stored one back.
 */
export const newClientId = () =>
  `w${Date.now().toString(36)}${(counter++).toString(36)}${Math.random().toString(36).slice(2, 8)}`;
