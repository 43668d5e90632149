/** One value of the settings by its dotted path ("zombie.defaults.maxIdleDays"), as the save's errors name it. */
import type { Settings } from '../../../src/domain/settings';

export function valueAt(settings: Settings, path: string): unknown {
  let at: unknown = settings;
  for (const key of path.split('.')) at = (at as Record<string, unknown>)[key];
  return at;
}

export function setValueAt(settings: Settings, path: string, value: unknown): void {
  const keys = path.split('.');
  let at = settings as unknown as Record<string, unknown>;
  for (const key of keys.slice(0, -1)) at = at[key] as Record<string, unknown>;
  at[keys[keys.length - 1]!] = value;
}
