/** Opens the store on the database a command names (`--db`, DATABASE_URL or the default: src/db/spec.ts). */
import { openDatabase, type OpenOptions } from '../../db/index.ts';
import { DepDbStore } from './store.ts';

export async function openStore(
  spec?: string,
  opts: OpenOptions = {},
): Promise<{ store: DepDbStore; close: () => Promise<void> }> {
  const o = await openDatabase(spec, opts);
  return { store: new DepDbStore(o.db), close: o.close };
}

/** Runs `fn` with the store open, closing it afterwards (also on failure). */
export async function withStore<T>(
  spec: string | undefined,
  fn: (store: DepDbStore) => Promise<T>,
): Promise<T> {
  const { store, close } = await openStore(spec);
  try {
    return await fn(store);
  } finally {
    await close();
  }
}
