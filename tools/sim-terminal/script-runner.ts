/**
 * Runs script commands against the simulated terminal: prints each screen as it changes (including
 * the ones that flash by while the terminal works), checks the expectations, and sums up the run
 * with the issuer ledger check.
 */
import { maskPan } from '../../firmware/security/pan-mask.js';
import { renderLcd } from './render.js';
import { ScriptError, type ScriptCommand, type ScriptLine } from './script.js';
import type { SimulatedTerminal } from './simulated-terminal.js';

/** Commands after which expect-seen looks only at newer screens (wait and the checks do not reset it). */
const STARTS_A_STEP = new Set<ScriptCommand['op']>(['key', 'swipe', 'power-cut', 'paper-out', 'paper-in']);

export interface ScriptSummary {
  steps: number;
  expectsPassed: number;
  expectsFailed: number;
  receipts: number;
  oneSided: number;
  lostApprovals: number;
}

export class ScriptRunner {
  private lastShown = '';
  /** Screens since the previous command, for expect-seen. */
  private seen: string[] = [];
  /** Index into the engine's screen history where the current step began. */
  private shownFrom = 0;
  private steps = 0;
  private passed = 0;
  private failed = 0;

  constructor(
    private readonly sim: SimulatedTerminal,
    private readonly say: (line: string) => void,
  ) {
    sim.pump.observe = () => this.watchScreen();
  }

  /** Call once the terminal is up: shows the first screen. */
  begin(): void {
    this.watchScreen();
  }

  async runLine(line: ScriptLine): Promise<void> {
    this.say(`> ${line.source}`);
    for (const command of line.commands) {
      if (STARTS_A_STEP.has(command.op)) {
        this.seen = [];
        this.shownFrom = this.sim.screensShown.length;
      }
      await this.run(command, line.line);
      this.watchScreen();
    }
  }

  summary(): ScriptSummary {
    const ledger = this.sim.ledgerCheck();
    return {
      steps: this.steps,
      expectsPassed: this.passed,
      expectsFailed: this.failed,
      receipts: this.sim.printer.jobs.length,
      oneSided: ledger.oneSided,
      lostApprovals: ledger.lostApprovals,
    };
  }

  /** The closing lines; the last one is the ledger check. */
  printSummary(): ScriptSummary {
    const s = this.summary();
    const ledger = this.sim.ledgerCheck();
    this.say(
      `sim: ${s.steps} steps, ${this.sim.boots} boots, ${this.sim.powerCuts} power cuts, ${s.receipts} receipts, expects ${s.expectsPassed} passed ${s.expectsFailed} failed`,
    );
    this.say(`ledger: approvals=${ledger.approvals} one_sided=${s.oneSided} lost_approvals=${s.lostApprovals}`);
    return s;
  }

  private async run(command: ScriptCommand, line: number): Promise<void> {
    this.steps++;
    const sim = this.sim;
    switch (command.op) {
      case 'key':
        return sim.press(command.key);
      case 'swipe': {
        const card = sim.cards[command.card - 1];
        if (!card) throw new ScriptError(line, `no test card ${command.card}: the cards are 1-${sim.cards.length} (tools/host-sim/cards.json)`);
        this.say(`  (card ${command.card}: ${maskPan(card.pan)}, ${command.direction})`);
        return sim.swipe(command.card, command.direction);
      }
      case 'wait':
        return sim.wait(command.ms);
      case 'power-cut':
        this.say('  *** power cut: the runtime is dropped as it stands; booting from the same flash image');
        return sim.powerCut();
      case 'power-cut-after-send':
        this.say('  *** armed: the power goes once the host has applied the next financial request');
        sim.armPowerCutAfterRequest();
        return;
      case 'paper-out':
        return sim.paperOut();
      case 'paper-in':
        return sim.paperIn();
      case 'show-receipt':
        for (const text of sim.lastReceipt()) this.say(`  :${text}`);
        return;
      case 'expect':
        return this.check(command.text, command.scope, line);
    }
  }

  private check(text: string, scope: 'screen' | 'seen' | 'receipt', line: number): void {
    const now = this.sim.screen().join('\n');
    const haystack =
      scope === 'screen'
        ? [now]
        : scope === 'seen'
          ? [...this.seen, ...this.sim.screensShown.slice(this.shownFrom), now]
          : [this.sim.lastReceipt().join('\n')];
    if (haystack.some((h) => h.includes(text))) {
      this.passed++;
      this.say(`  ok: ${scope} shows "${text}"`);
      return;
    }
    this.failed++;
    this.say(`  FAILED (line ${line}): ${scope} does not show "${text}"`);
  }

  private watchScreen(): void {
    const lines = this.sim.screen();
    const text = lines.join('\n');
    if (text === this.lastShown) return;
    this.lastShown = text;
    this.seen.push(text);
    const cols = this.sim.cols;
    for (const row of renderLcd(lines, cols)) this.say(`  ${row}`);
  }
}
