/**
 * A journal call as data: the engine names the durable step it needs (the shell performs it), and
 * the power-loss sweep replays workloads of them. One dispatcher for both.
 */
import type { Approval, CounterName, Journal, NewTransaction, ReversalReason } from './journal.js';

export type JournalCall =
  | { method: 'takeCounter'; name: CounterName }
  | { method: 'raiseCounter'; name: CounterName; atLeast: number }
  | { method: 'begin'; tx: NewTransaction }
  | { method: 'approve'; stan: number; approval: Approval }
  | { method: 'declined'; stan: number; responseCode: string }
  | { method: 'requireReversal'; stan: number; reason: ReversalReason }
  | { method: 'reversalTried'; stan: number; tries: number }
  | { method: 'reversalAcked' | 'reversalFailed' | 'outcomeUnknown' | 'printed'; stan: number }
  | { method: 'settle'; batchNo: number }
  /** Idle-time flash work; no record (the shell runs it itself; the sweeps cut inside it). */
  | { method: 'housekeep' };

/** Performs the call; resolves with the counter value for takeCounter, otherwise undefined. */
export async function invokeJournal(journal: Journal, call: JournalCall): Promise<number | undefined> {
  switch (call.method) {
    case 'takeCounter':
      return journal.takeCounter(call.name);
    case 'raiseCounter':
      return journal.raiseCounter(call.name, call.atLeast).then(() => undefined);
    case 'begin':
      return journal.begin(call.tx).then(() => undefined);
    case 'approve':
      return journal.approve(call.stan, call.approval).then(() => undefined);
    case 'declined':
      return journal.declined(call.stan, call.responseCode).then(() => undefined);
    case 'requireReversal':
      return journal.requireReversal(call.stan, call.reason).then(() => undefined);
    case 'reversalTried':
      return journal.reversalTried(call.stan, call.tries).then(() => undefined);
    case 'reversalAcked':
      return journal.reversalAcked(call.stan).then(() => undefined);
    case 'reversalFailed':
      return journal.reversalFailed(call.stan).then(() => undefined);
    case 'outcomeUnknown':
      return journal.outcomeUnknown(call.stan).then(() => undefined);
    case 'printed':
      return journal.printed(call.stan).then(() => undefined);
    case 'settle':
      return journal.settle(call.batchNo).then(() => undefined);
    case 'housekeep':
      return journal.housekeep().then(() => undefined);
  }
}
