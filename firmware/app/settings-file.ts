/**
 * Settings kept as a JSON file (in the terminal's state directory), replaced atomically
 * (atomic-json-file.ts), so a power cut leaves either the old or the new settings.
 */
import { JsonFileError, readJsonFile, writeJsonFileAtomically } from './atomic-json-file.js';
import { defaultSettings, settingsProblems, type SettingsStore, type TerminalSettings } from './settings.js';

/**
 * settings.json exists but cannot be used. Never answered with the defaults: they carry another
 * terminal ID and merchant number and the factory passwords, so a terminal booted on them trades
 * under the wrong identity with passwords anyone knows.
 */
export class SettingsFileError extends Error {
  constructor(readonly path: string, why: string) {
    super(`settings file ${path}: ${why}; fix it or restore it from a backup (the terminal does not replace it with defaults)`);
    this.name = 'SettingsFileError';
  }
}

export class JsonFileSettingsStore implements SettingsStore {
  constructor(readonly path: string) {}

  /**
   * Undefined only when there is no file (first boot). A file that cannot be read, does not parse,
   * is not an object or holds unusable values is refused with SettingsFileError. A file written
   * before a setting existed gets that setting's default, not a reset of everything.
   */
  async load(): Promise<TerminalSettings | undefined> {
    let stored: unknown;
    try {
      stored = await readJsonFile(this.path);
    } catch (error) {
      if (error instanceof JsonFileError) throw new SettingsFileError(this.path, error.message.slice(this.path.length + 2));
      throw error;
    }
    if (stored === undefined) return undefined;
    if (typeof stored !== 'object' || stored === null || Array.isArray(stored)) throw new SettingsFileError(this.path, 'does not hold a settings object');
    const settings = { ...defaultSettings(), ...(stored as Partial<TerminalSettings>) };
    const problems = settingsProblems(settings);
    if (problems.length > 0) throw new SettingsFileError(this.path, `has unusable values: ${problems.join('; ')}`);
    return settings;
  }

  async save(settings: TerminalSettings): Promise<void> {
    await writeJsonFileAtomically(this.path, settings);
  }
}
