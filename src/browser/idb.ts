/**
 * @internal One object store of an IndexedDB database, opened on first use. A step resolves when its
 * transaction commits, not when its request succeeds: another tab must see the write by then.
 */
export function idbStore(database: string, store: string) {
  let db: Promise<IDBDatabase> | undefined;
  return async <T>(mode: IDBTransactionMode, step: (objects: IDBObjectStore) => IDBRequest<T>): Promise<T> => {
    db ??= new Promise((resolve, reject) => {
      const opening = indexedDB.open(database, 1);
      opening.onupgradeneeded = () => opening.result.createObjectStore(store);
      opening.onsuccess = () => resolve(opening.result);
      opening.onerror = () => reject(opening.error);
    });
    const transaction = (await db).transaction(store, mode);
    const request = step(transaction.objectStore(store));
    return new Promise<T>((resolve, reject) => {
      transaction.oncomplete = () => resolve(request.result);
      transaction.onerror = transaction.onabort = () => reject(transaction.error);
    });
  };
}
