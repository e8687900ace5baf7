import { SeededRandom } from '../../firmware/hal/seeded-random.js';

/**
 * Which response the simulator spoils, and how. The issuer always applies the request first; a
 * fault only changes what goes back on the wire — exactly the situations that leave a terminal
 * unsure whether the money moved.
 */
export type FaultKind =
  /** Apply, then never answer (the connection stays open). */
  | 'drop'
  /** Answer after `delayMs` (default 65 s: past the terminal's 60 s response timeout). */
  | 'delay'
  /** Write the first half of the response, then close the connection. */
  | 'close-mid-response'
  /** Flip bits in a few bytes of the response after the length prefix. */
  | 'garble'
  /** A correct response whose F64 MAC is wrong. */
  | 'wrong-mac'
  /** The response twice. */
  | 'duplicate'
  /** A response carrying another STAN (F11 + 1), properly MACed. */
  | 'other-stan';

export const FAULT_KINDS: readonly FaultKind[] = ['drop', 'delay', 'close-mid-response', 'garble', 'wrong-mac', 'duplicate', 'other-stan'];
export const DEFAULT_FAULT_DELAY_MS = 65_000;

/** A scripted fault hits requests matching every given selector; `times` (default 1) bounds how many. */
export interface ScriptedFault {
  kind: FaultKind;
  /** 0-based index of the request among all the simulator has received. */
  requestIndex?: number;
  mti?: string;
  stan?: string;
  terminalId?: string;
  times?: number;
  delayMs?: number;
}

export interface RandomFaults {
  seed: number;
  /** Probability in [0, 1] that a request's response is spoiled. */
  rate: number;
  kinds?: readonly FaultKind[];
  delayMs?: number;
}

export interface FaultPlanConfig {
  scripted?: readonly ScriptedFault[];
  random?: RandomFaults;
}

export interface RequestIdentity {
  index: number;
  mti: string;
  stan: string | undefined;
  terminalId: string | undefined;
}

export interface FaultDecision {
  kind: FaultKind;
  delayMs: number;
}

export class FaultPlan {
  private scripted: { fault: ScriptedFault; left: number }[] = [];
  private random: { rng: SeededRandom; rate: number; kinds: readonly FaultKind[]; delayMs: number } | undefined;
  /** Every fault applied, in order, so a failing test can print what happened. */
  readonly applied: (FaultDecision & { index: number; mti: string; stan: string | undefined })[] = [];

  constructor(config: FaultPlanConfig = {}) {
    for (const f of config.scripted ?? []) this.add(f);
    if (config.random) this.setRandom(config.random);
  }

  add(fault: ScriptedFault): void {
    if (!FAULT_KINDS.includes(fault.kind)) throw new RangeError(`unknown fault kind "${fault.kind}"`);
    const times = fault.times ?? 1;
    if (!(times > 0)) throw new RangeError(`fault times must be positive, got ${times}`);
    if (fault.delayMs !== undefined && !(fault.delayMs >= 0)) throw new RangeError(`fault delayMs must be >= 0`);
    this.scripted.push({ fault, left: times });
  }

  setRandom(random: RandomFaults | undefined): void {
    if (!random) {
      this.random = undefined;
      return;
    }
    if (!(random.rate >= 0 && random.rate <= 1)) throw new RangeError(`fault rate must be in [0, 1], got ${random.rate}`);
    const kinds = random.kinds ?? FAULT_KINDS;
    if (kinds.length === 0 || kinds.some((k) => !FAULT_KINDS.includes(k))) throw new RangeError('random fault kinds must be known and not empty');
    this.random = { rng: new SeededRandom(random.seed), rate: random.rate, kinds, delayMs: random.delayMs ?? DEFAULT_FAULT_DELAY_MS };
  }

  clear(): void {
    this.scripted = [];
    this.random = undefined;
  }

  /** Consumes and returns the fault for this request, scripted faults first. */
  decide(request: RequestIdentity): FaultDecision | undefined {
    let decision: FaultDecision | undefined;
    const hit = this.scripted.find((s) => s.left > 0 && selects(s.fault, request));
    if (hit) {
      hit.left -= 1;
      decision = { kind: hit.fault.kind, delayMs: hit.fault.delayMs ?? DEFAULT_FAULT_DELAY_MS };
    } else if (this.random && this.random.rng.chance(this.random.rate)) {
      decision = { kind: this.random.rng.pick(this.random.kinds), delayMs: this.random.delayMs };
    }
    if (decision) this.applied.push({ ...decision, index: request.index, mti: request.mti, stan: request.stan });
    return decision;
  }
}

function selects(f: ScriptedFault, r: RequestIdentity): boolean {
  return (
    (f.requestIndex === undefined || f.requestIndex === r.index) &&
    (f.mti === undefined || f.mti === r.mti) &&
    (f.stan === undefined || f.stan === r.stan) &&
    (f.terminalId === undefined || f.terminalId === r.terminalId)
  );
}
