/**
 * Journal damage at boot (issue 10, item 2): every finding is logged, and until a supervisor
 * acknowledges the damage the idle screen is 流水存储异常 请联系维护 and no new transaction starts.
 * Owed reversals are not held back: the boot round runs before this gate, and sign-in (9-1, with
 * its round) stays open, so whatever the journal could still read goes out.
 */
import type { EngineContext } from '../engine-context.js';
import { supervisorApproves } from './sign-in.js';
import { EngineProtocolError, log, pause, show, t, type Flow } from './primitives.js';

/** One log line per finding (the finding names sectors and offsets, never a record's contents). */
export function logJournalDamage(ctx: EngineContext): void {
  const damage = ctx.journalDamage;
  if (!damage) return;
  damage.findings.forEach((finding, index) => {
    log(ctx, 'error', 'journal.damage', { finding, number: index + 1, of: damage.findings.length, fingerprint: damage.fingerprint });
  });
  if (Object.keys(damage.countersAdvanced).length > 0) log(ctx, 'warn', 'journal.counters-advanced', { from: damage.countersAdvanced });
  if (damage.acknowledged) log(ctx, 'info', 'journal.damage-already-acknowledged', { fingerprint: damage.fingerprint });
}

export function damageUnacknowledged(ctx: EngineContext): boolean {
  return ctx.journalDamage !== undefined && !ctx.journalDamage.acknowledged;
}

/** Title plus three lines on 20x4; the first two body lines carry the message on 16x2. */
export function showDamage(ctx: EngineContext): void {
  show(ctx, 'appTitle', [t(ctx, 'journalDamaged'), t(ctx, 'callSupport'), t(ctx, 'damageAckHint')]);
}

/** ENTER on the damage screen: the supervisor's password, then the acknowledgement made durable. */
export function* acknowledgeDamage(ctx: EngineContext): Flow<void> {
  const damage = ctx.journalDamage;
  if (!damage || damage.acknowledged) return;
  if (!(yield* supervisorApproves(ctx))) return;
  const ev = yield { op: 'save-damage-ack', fingerprint: damage.fingerprint };
  if (ev.kind !== 'damage-ack-saved') throw new EngineProtocolError('damage-ack-saved', ev.kind);
  if (!ev.ok) {
    // Not remembered: acknowledged for this boot anyway would hide it next boot only by luck; ask again.
    yield* pause(ctx, 'admin', [t(ctx, 'journalError')]);
    return;
  }
  damage.acknowledged = true;
  log(ctx, 'warn', 'journal.damage-acknowledged', { fingerprint: damage.fingerprint, findings: damage.findings.length });
  yield* pause(ctx, 'admin', [t(ctx, 'damageAcknowledged')], 1500);
}
