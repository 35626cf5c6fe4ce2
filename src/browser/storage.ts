// The Web Storage a sign-in waits in across the redirect. A browser that blocks storage for the site
// (a setting, an extension, a sandboxed frame) throws a SecurityError at the mere mention of
// `sessionStorage`: that becomes a typed error that names the storage and the way out.
import { ConfigError } from '../shared/errors.js';

/**
 * A key-value storage such as `sessionStorage`; each method may return a promise, so an
 * async store (IndexedDB, a native bridge) fits as well.
 */
export interface StorageLike {
  /** The value, or `null` when there is none. */
  getItem(key: string): string | null | Promise<string | null>;
  /** Stores a value. */
  setItem(key: string, value: string): void | Promise<void>;
  /** Removes a value. */
  removeItem(key: string): void | Promise<void>;
}

/**
 * @internal `custom`, or this page's `sessionStorage`, each call guarded: whatever the storage
 * throws rejects as a {@link ConfigError} naming it.
 */
export function guardedStorage(custom: StorageLike | undefined): StorageLike {
  const use = async <T>(step: (storage: StorageLike) => T | Promise<T>): Promise<T> => {
    try {
      return await step(custom ?? sessionStorage);
    } catch (cause) {
      const what = custom ? 'the "transactionStorage" given' : 'sessionStorage';
      const why = cause instanceof Error && cause.name ? ` (${cause.name})` : '';
      throw new ConfigError(
        `The sign-in could not be kept in ${what}: the browser refused it${why}. Let this site keep data (storage is blocked for it, or the page is sandboxed), or pass a "transactionStorage" that works here`,
        { cause },
      );
    }
  };
  return {
    getItem: (key) => use((storage) => storage.getItem(key)),
    setItem: (key, value) => use((storage) => storage.setItem(key, value)),
    removeItem: (key) => use((storage) => storage.removeItem(key)),
  };
}
