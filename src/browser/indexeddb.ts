/**
 * Models in the browser's IndexedDB: one record per name holding the safetensors bytes (the same
 * bytes a download gives), plus when it was saved and its size. Database 'neocog', store 'models'.
 */
import type { AnyModule, LoadStateDictResult } from '../nn/module.js';
import { loadModelBytes, modelToBytes } from './model-bytes.js';

const DB = 'neocog';
const STORE = 'models';

export interface StoredModelInfo {
  name: string;
  bytes: number;
  /** When it was saved (ms since the epoch). */
  savedAt: number;
}

interface Record_ extends StoredModelInfo {
  data: Uint8Array;
}

function checkName(fn: string, name: unknown): asserts name is string {
  if (typeof name !== 'string' || name === '') throw new TypeError(`${fn}: name must be a non-empty string, got ${typeof name === 'string' ? "''" : typeof name}`);
}

function idb(fn: string): IDBFactory {
  const f = (globalThis as { indexedDB?: IDBFactory }).indexedDB;
  if (!f) throw new Error(`${fn}: IndexedDB is not available here (private mode, or not a browser)`);
  return f;
}

function open(fn: string): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = idb(fn).open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: 'name' });
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(new Error(`${fn}: could not open IndexedDB '${DB}': ${req.error?.message ?? 'unknown error'}`));
  });
}

/** Runs one request in its own transaction and resolves with its result once the transaction commits. */
async function request<T>(fn: string, mode: IDBTransactionMode, make: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await open(fn);
  try {
    return await new Promise<T>((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const req = make(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(req.result);
      tx.onerror = tx.onabort = () => reject(new Error(`${fn}: ${tx.error?.message ?? req.error?.message ?? 'transaction aborted'}`));
    });
  } finally {
    db.close();
  }
}

/** Saves the model's state dict under `name` (replacing any model saved under it). */
export async function saveModelIndexedDB(model: AnyModule, name: string): Promise<StoredModelInfo> {
  checkName('saveModelIndexedDB', name);
  const data = modelToBytes(model);
  const rec: Record_ = { name, bytes: data.length, savedAt: Date.now(), data };
  await request('saveModelIndexedDB', 'readwrite', (s) => s.put(rec));
  return { name, bytes: rec.bytes, savedAt: rec.savedAt };
}

/** Loads the state dict saved under `name` into `model`. */
export async function loadModelIndexedDB(model: AnyModule, name: string, { strict = true }: { strict?: boolean } = {}): Promise<LoadStateDictResult> {
  checkName('loadModelIndexedDB', name);
  const rec = await request<Record_ | undefined>('loadModelIndexedDB', 'readonly', (s) => s.get(name));
  if (!rec) {
    const names = (await listModelsIndexedDB()).map((m) => m.name);
    throw new Error(`loadModelIndexedDB: no model saved as '${name}' (saved: ${names.length ? names.join(', ') : 'none'})`);
  }
  if (!(rec.data instanceof Uint8Array)) throw new Error(`loadModelIndexedDB: the record '${name}' holds no safetensors bytes`);
  return loadModelBytes(model, rec.data, { strict, source: `indexeddb:${name}` });
}

/** The saved models (name, size, time), oldest first. */
export async function listModelsIndexedDB(): Promise<StoredModelInfo[]> {
  const all = await request<Record_[]>('listModelsIndexedDB', 'readonly', (s) => s.getAll());
  return all.map(({ name, bytes, savedAt }) => ({ name, bytes, savedAt })).sort((a, b) => a.savedAt - b.savedAt);
}

/** Deletes the model saved under `name` (no error when there is none). */
export async function deleteModelIndexedDB(name: string): Promise<void> {
  checkName('deleteModelIndexedDB', name);
  await request('deleteModelIndexedDB', 'readwrite', (s) => s.delete(name));
}
