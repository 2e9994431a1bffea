import { SETTINGS_KEY, type Settings } from '../settings';

/** The slice of `storage.local` settings need. */
export interface StorageArea {
  get(key: string): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
}

/** Settings as stored in `storage.local`; validation happens in lib/settings.ts on read. */
export function settingsStorage(area: StorageArea) {
  return {
    read: async (): Promise<unknown> => (await area.get(SETTINGS_KEY))[SETTINGS_KEY],
    write: (settings: Settings) => area.set({ [SETTINGS_KEY]: settings }),
  };
}
