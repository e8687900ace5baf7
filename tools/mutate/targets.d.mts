export interface MutationTarget {
  mutate: string[];
  tests: string[];
  goal: number;
}
export const MUTATION_TARGETS: Record<string, MutationTarget>;
export function mutationTarget(name: string): MutationTarget;
