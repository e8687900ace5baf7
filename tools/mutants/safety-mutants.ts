/**
 * Hand-written safety mutants (issue 15): each is a bug of a class that must never ship, written as
 * exact edits (file, search text, replacement). `npm run mutants:safety` applies each in a temporary
 * copy of the tree and requires one of the harnesses (whole-day power-loss run, soak, process-kill
 * sample, journal sweep) to fail on it. A search text that is no longer found exactly once is an
 * error, never "caught": the list must follow the code.
 *
 * `harness` names the harness expected to catch it first (tried first, to keep the run short); any
 * harness failing counts.
 */

export type HarnessName = 'soak' | 'powerloss' | 'kill-sample' | 'journal-sweep';

export interface MutantEdit {
  file: string;
  search: string;
  replace: string;
}

export interface SafetyMutant {
  id: string;
  /** The class of bug, in the words of issue 15 where it lists it. */
  what: string;
  edits: MutantEdit[];
  harness: HarnessName;
}

export const SAFETY_MUTANTS: SafetyMutant[] = [
  // Survived every harness before issue 15.
  {
    id: 'journal-never-syncs',
    what: 'the journal never syncs after an append',
    harness: 'journal-sweep',
    edits: [
      {
        file: 'firmware/journal/log-ring.ts',
        search: '    await this.eraseRetired();\n    await this.sync();\n  }\n\n  /**\n   * Idle-time housekeeping',
        replace: '    await this.eraseRetired();\n  }\n\n  /**\n   * Idle-time housekeeping',
      },
      {
        file: 'firmware/journal/log-ring.ts',
        search: '      head.end += frame.length;\n      await this.sync();\n      return;',
        replace: '      head.end += frame.length;\n      return;',
      },
    ],
  },
  {
    id: 'gc-erases-before-copies-synced',
    what: 'GC erases the old sector before its copies are synced (retires it, which drops it from the log, with the copies still unsynced)',
    harness: 'journal-sweep',
    edits: [{ file: 'firmware/journal/log-ring.ts', search: '(this.copiedByKind[entry.effect.kind] ?? 0) + 1;\n      await this.sync();\n', replace: '(this.copiedByKind[entry.effect.kind] ?? 0) + 1;\n' }],
  },
  {
    id: 'gc-retires-before-sync',
    what: 'GC retires the old sector before syncing (the erase does not wait for the retire mark to be durable)',
    harness: 'journal-sweep',
    edits: [
      {
        file: 'firmware/journal/log-ring.ts',
        search: "      if (sector.state === 'dirty' && !this.unsynced.has(sector.index)) await this.eraseSector(sector);",
        replace: "      if (sector.state === 'dirty') await this.eraseSector(sector);",
      },
      {
        file: 'firmware/journal/log-ring.ts',
        search: '    await this.barrier(sector.index);\n    await this.device.erase(sector.index);',
        replace: '    await this.device.erase(sector.index);',
      },
    ],
  },
  {
    id: 'gc-drops-printed-records',
    what: 'GC drops the "printed" records of live transactions',
    // Caught by the sweep's echo-test days: STANs taken without a transaction fill the ring with
    // garbage capacity() does not count, so GC carries the open batch's printed records (FORMAT.md, "Capacity").
    harness: 'journal-sweep',
    edits: [
      {
        file: 'firmware/journal/journal-state.ts',
        search: "      if (entry && (effect.kind !== 'reversal-tried' || entry.triedSeq === seq)) return true;",
        replace: "      if (entry && effect.kind !== 'printed' && (effect.kind !== 'reversal-tried' || entry.triedSeq === seq)) return true;",
      },
    ],
  },
  {
    id: 'reversal-12-is-failure',
    what: 'a 0410 with 12 treated as a failure',
    harness: 'soak',
    edits: [{ file: 'firmware/app/flows/online.ts', search: "export const REVERSAL_CLEARED_CODES = ['00', '12', '25'];", replace: "export const REVERSAL_CLEARED_CODES = ['00', '25'];" }],
  },
  {
    id: 'reversal-96-is-success',
    what: 'a 0410 with 96 treated as success',
    harness: 'soak',
    edits: [{ file: 'firmware/app/flows/online.ts', search: "export const REVERSAL_CLEARED_CODES = ['00', '12', '25'];", replace: "export const REVERSAL_CLEARED_CODES = ['00', '12', '25', '96'];" }],
  },
  {
    id: 'reversal-any-code-clears',
    what: 'any 0410 code at all clears the reversal',
    harness: 'soak',
    edits: [
      {
        file: 'firmware/app/flows/online.ts',
        search: "  return outcome.response.mti === '0410' && code !== undefined && REVERSAL_CLEARED_CODES.includes(code);",
        replace: "  return outcome.response.mti === '0410' && code !== undefined;",
      },
    ],
  },
  {
    id: 'settlement-skips-reversal-round',
    what: 'settlement skips the reversal round',
    // The trading day's network blip leaves a reversal owed when settlement starts.
    harness: 'powerloss',
    edits: [
      {
        file: 'firmware/app/flows/settlement.ts',
        search: "  show(ctx, 'settlement', [t(ctx, 'processing')]);\n  if ((yield* reversalRound(ctx)) === 'blocked') {\n    yield* explainBlocked(ctx);\n    return;\n  }",
        replace: "  show(ctx, 'settlement', [t(ctx, 'processing')]);\n  if (ctx.journal.view.transactions.length < 0) yield* explainBlocked(ctx);",
      },
    ],
  },
  {
    id: 'stan-in-module-memory',
    what: 'the STAN kept in module memory and never written',
    harness: 'kill-sample',
    edits: [
      {
        file: 'firmware/app/flows/online.ts',
        search: "export function* takeStan(ctx: EngineContext): Flow<number | undefined> {\n  const taken = yield* journalCall(ctx, { method: 'takeCounter', name: 'stan' });\n  return taken.ok ? taken.value : undefined;",
        replace: "let moduleStan = 0;\nexport function* takeStan(ctx: EngineContext): Flow<number | undefined> {\n  if (ctx.journal.view.counters.stan < 0) yield* journalCall(ctx, { method: 'takeCounter', name: 'stan' });\n  return ++moduleStan;",
      },
    ],
  },
  {
    id: 'every-sale-refused',
    what: 'every sale refused, so nothing is ever approved',
    harness: 'soak',
    edits: [
      {
        file: 'firmware/app/flows/online.ts',
        search: '  if (ctx.journal.capacity.transactionsLeft >= 1) return true;',
        replace: "  if (ctx.journal.capacity.transactionsLeft >= 1 && title !== 'sale') return true;",
      },
    ],
  },
  // Caught only by a unit test before issue 15.
  {
    id: 'boot-neither-reprints-nor-reverses',
    what: 'boot neither reprints nor reverses an approved-unprinted sale',
    harness: 'powerloss',
    edits: [
      {
        file: 'firmware/app/flows/terminal.ts',
        search: "  const unprinted = ctx.journal.view.transactions.filter((tx) => tx.status === 'approved' && !tx.printed);",
        replace: "  const unprinted = ctx.journal.view.transactions.filter((tx) => tx.status === 'approved' && !tx.printed && tx.stan < 0);",
      },
    ],
  },
  {
    id: 'bad-mac-00-accepted',
    what: 'a bad-MAC 00 accepted',
    harness: 'soak',
    edits: [{ file: 'firmware/app/terminal-shell.ts', search: 'macOk: op.mac ? this.macOk(result) : true', replace: 'macOk: true' }],
  },
  {
    // Two checks refuse a response to another STAN: the link's matcher and the engine's echo check
    // (F11 is an echoed field). Either alone is masked by the other, so the class is both removed.
    id: 'response-stan-not-matched',
    what: 'a response STAN not matched (neither the link nor the echo check compares F11)',
    harness: 'soak',
    edits: [
      {
        file: 'firmware/host/response-matching.ts',
        search: "  if (gotStan !== stan) return { matches: false, reason: 'wrong-stan', expected: stan, got: gotStan };",
        replace: '',
      },
      { file: 'firmware/app/flows/online.ts', search: 'const ECHOED_FIELDS = [2, 3, 4, 11, 41, 42] as const;', replace: 'const ECHOED_FIELDS = [2, 3, 4, 41, 42] as const;' },
    ],
  },
  {
    id: 'full-journal-accepts-sales',
    what: 'a full journal accepting sales',
    harness: 'soak',
    edits: [
      { file: 'firmware/app/flows/online.ts', search: '  if (ctx.journal.capacity.transactionsLeft >= 1) return true;', replace: '  if (ctx.journal.capacity.transactionsLeft >= -1_000_000) return true;' },
      { file: 'firmware/journal/flash-journal.ts', search: '      if (left < 1) throw new JournalFull(left);', replace: '      if (left < -1_000_000) throw new JournalFull(left);' },
    ],
  },
  {
    id: 'boot-skips-reversal-round',
    what: 'boot skipping its reversal round (sign-in masks it)',
    harness: 'powerloss',
    edits: [{ file: 'firmware/app/flows/terminal.ts', search: '  if (owed) yield* reversalRound(ctx);', replace: '  if (owed && ctx.journal.view.counters.stan < 0) yield* reversalRound(ctx);' }],
  },
  // Classes the harnesses already caught: kept so they stay caught.
  {
    id: 'no-reversal-on-timeout',
    what: 'no response in time recorded as declined instead of reversed (R3)',
    harness: 'soak',
    edits: [
      {
        file: 'firmware/app/flows/online.ts',
        search: "    if (outcome.kind === 'unreachable' && !outcome.requestSent) {\n      yield* journalCall(ctx, { method: 'declined', stan, responseCode: NOT_SENT_CODE });",
        replace: "    if (outcome.kind !== 'malformed') {\n      yield* journalCall(ctx, { method: 'declined', stan, responseCode: NOT_SENT_CODE });",
      },
    ],
  },
  {
    id: 'declined-taken-as-approved',
    what: 'a declined sale (51) recorded as approved',
    harness: 'powerloss',
    edits: [{ file: 'firmware/app/flows/online.ts', search: "    } else if (code === '00') {", replace: "    } else if (code === '00' || code === '51') {" }],
  },
  {
    id: 'stan-not-advanced',
    what: 'the STAN counter not advanced: one STAN used twice (R6)',
    harness: 'powerloss',
    edits: [{ file: 'firmware/journal/flash-journal.ts', search: '      const value = nextCounterValue(this.state.counters[name]);', replace: "      const value = name === 'stan' ? Math.max(1, this.state.counters[name]) : nextCounterValue(this.state.counters[name]);" }],
  },
  {
    id: 'settlement-drops-owed-reversals',
    what: 'settlement drops records still owing a reversal (R7)',
    // The soak caught it until the shell housekept at idle (2026-12-01 b050b77: soak and whole-day
    // run both passed with it); the journal sweep catches it in 16 s. Why the soak stopped is open.
    harness: 'journal-sweep',
    edits: [{ file: 'firmware/journal/journal-state.ts', search: "const OWES_REVERSAL = new Set(['pending', 'reversal-pending']);", replace: "const OWES_REVERSAL = new Set(['pending']);" }],
  },
  {
    id: 'printed-before-print',
    what: 'the receipt marked printed before it printed (a cut mid-receipt loses it)',
    harness: 'powerloss',
    edits: [
      {
        file: 'firmware/app/flows/printing.ts',
        search: '    const ok = yield* printWithRecovery(ctx, transactionReceipt(tx, copy, reprint, ctx.settings, ctx.time.wall), status);\n    if (!ok) return false;\n    if (copy === \'merchant\' && !tx.printed) yield* journalCall(ctx, { method: \'printed\', stan: tx.stan });',
        replace: '    if (copy === \'merchant\' && !tx.printed) yield* journalCall(ctx, { method: \'printed\', stan: tx.stan });\n    const ok = yield* printWithRecovery(ctx, transactionReceipt(tx, copy, reprint, ctx.settings, ctx.time.wall), status);\n    if (!ok) return false;',
      },
    ],
  },
  {
    id: 'approval-not-recorded-before-print',
    what: 'an approval printed without being recorded first (R2)',
    harness: 'powerloss',
    edits: [
      {
        file: 'firmware/app/flows/online.ts',
        search: "  const recorded = yield* journalCall(ctx, { method: 'approve', stan, approval });\n  if (!recorded.ok) {",
        replace: "  const recorded = { ok: true };\n  if (!recorded.ok) {",
      },
    ],
  },
  {
    id: 'reversal-tries-unlimited-manual-never',
    what: 'a reversal given up after one try (needless manual handling)',
    harness: 'soak',
    edits: [{ file: 'firmware/app/flows/online.ts', search: '    while (!cleared && tries < ctx.settings.reversalTries) {', replace: '    while (!cleared && tries < Math.min(1, ctx.settings.reversalTries)) {' }],
  },
];
