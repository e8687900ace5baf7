export interface MutationTarget {
  mutate: string[];
  /** Shard name -> the folder's files that shard mutates. */
  shards?: Record<string, string[]>;
  tests: string[];
  goal: number;
}
export const MUTATION_TARGETS: Record<string, MutationTarget>;
export function runsOf(folder: string): string[];
export function mutationTarget(name: string): MutationTarget;
export function runFileName(name: string): string;
