import { isPlainObject } from '../json';
import { planKey } from '../plan/check';
import { loadPlanValue } from '../plan/load';
import type { LoadedPlan } from '../plan/types';
import type { StorageArea } from './settings-storage';

export const PLAN_KEY = 'plan';

/**
 * The tracking plan in `storage.local`, apart from the settings (a plan may be a megabyte;
 * settings are read far more often). `null` stored means "no plan", which overrides the
 * build's default; nothing stored means the build's default applies.
 */
export function planStorage(area: StorageArea) {
  return {
    read: async (): Promise<unknown> => (await area.get(PLAN_KEY))[PLAN_KEY],
    write: (plan: LoadedPlan | null) => area.set({ [PLAN_KEY]: plan }),
  };
}

/**
 * The plan in force from what was stored and the build's default (WXT_TRODO_PLAN). A stored
 * plan is checked again, as anything read back from storage is.
 */
export function planInForce(stored: unknown, buildDefault: unknown, now: number): LoadedPlan | null {
  if (stored === null) return null;
  if (isPlainObject(stored)) {
    const load = loadPlanValue(stored.plan);
    if (load.ok) return { plan: load.plan, key: planKey(load.plan), source: String(stored.source ?? 'stored'), loadedAt: Number(stored.loadedAt) || now };
  }
  if (buildDefault === undefined || buildDefault === null) return null;
  const load = loadPlanValue(buildDefault);
  return load.ok ? { plan: load.plan, key: planKey(load.plan), source: 'build', loadedAt: now } : null;
}
