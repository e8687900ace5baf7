/** Where one value lives between power cycles: a file in the state directory, or memory in tests. */
export interface ValueStore<T> {
  load(): Promise<T | undefined>;
  save(value: T): Promise<void>;
}

/** Memory only (tests, the in-process simulator). Copies in and out, so later edits never leak in. */
export class MemoryValueStore<T> implements ValueStore<T> {
  constructor(private stored: T | undefined = undefined) {}
  async load(): Promise<T | undefined> {
    return this.stored === undefined ? undefined : structuredClone(this.stored);
  }
  async save(value: T): Promise<void> {
    this.stored = structuredClone(value);
  }
}
