/**
 * The scripted cashier: what a day is made of (actions as data) and how each is keyed in. Before
 * every key the cashier checks that the screen asks for it; when it does not (a reversal round
 * blocked, the journal asks for settlement, the power went), the action is abandoned and the
 * cashier brings the terminal back to the idle screen the way a person would: reload paper, print
 * what the terminal offers to print, tear off copies, and otherwise wait for prompts to time out.
 */
import type { PosKey } from '../../../firmware/hal/pos-keys.js';
import type { CardRead } from '../../../firmware/drivers/magstripe/card-read.js';
import { cardFromTracks } from '../../../firmware/drivers/magstripe/card-from-tracks.js';
import type { JournalTransaction } from '../../../firmware/journal/journal.js';
import type { SimTerminal } from './sim-terminal.js';

export type CashierAction =
  | { do: 'sign-in' }
  /** 签退 from the admin menu (9, 2): a shift ends; the next operator signs in afresh. */
  | { do: 'sign-off' }
  /** 回响测试 from the admin menu (9, 3): the 0820 an idle terminal sends to keep its link checked. */
  | { do: 'echo' }
  | { do: 'sale'; amountFen: number; card: number }
  | { do: 'balance'; card: number }
  /** 撤销 of the approved sale of this amount (the cashier reads the voucher no. off its receipt). */
  | { do: 'void'; ofAmount: number }
  /** 退货 against the approved sale of this amount (reference no. and date off its receipt). */
  | { do: 'refund'; ofAmount: number; amountFen: number }
  | { do: 'preauth'; amountFen: number; card: number }
  /** 预授权完成 of the approved pre-auth of this amount. */
  | { do: 'completion'; ofAmount: number; amountFen: number }
  /** 预授权撤销 of the approved pre-auth of this amount. */
  | { do: 'preauth-void'; ofAmount: number }
  /** 完成撤销 of the approved completion of this amount. */
  | { do: 'completion-void'; ofAmount: number }
  | { do: 'reprint-last' }
  /** The roll in the printer runs out after this many more lines. */
  | { do: 'paper-out'; afterLines: number }
  | { do: 'settle' };

/** Actions that make the terminal talk to the host about a card (counted as transactions). */
export function isTransaction(action: CashierAction): boolean {
  return ['sale', 'balance', 'void', 'refund', 'preauth', 'completion', 'preauth-void', 'completion-void'].includes(action.do);
}

export const SUPERVISOR_PASSWORD = '123456';
/** Idle timeout (60 s) plus a little: every prompt but paper-out gives up by then. */
const PROMPT_TIMEOUT_MS = 60_001;
const IDLE = /READY|SIGN IN: ENTER/;

/** Stops an action whose next prompt did not come. */
class Abandoned extends Error {}

export class Cashier {
  private swipes = 0;
  /** The terminal said 请先结算 (journal full): the cashier settles before the next action. */
  settleRequested = false;

  constructor(
    private readonly term: SimTerminal,
    /** Receipts the cashier kept: approved transactions, as the oracle saw them in the journal. */
    private readonly receipts: () => Iterable<JournalTransaction>,
  ) {}

  /** Back at the idle screen (signed in when possible); false when the power went. */
  async toIdle(): Promise<boolean> {
    const term = this.term;
    for (let i = 0; i < 60; i++) {
      if (term.halted !== undefined) return false;
      const screen = term.screen;
      if (!term.shell.isIdle()) await term.settle();
      else if (/PAPER OUT|PRINTER FAULT/.test(screen)) {
        term.printer.reload(undefined);
        term.shell.paper(true);
        await term.settle();
      } else if (/NOT PRINTED|TEAR OFF|REVERSAL DONE/.test(screen)) await this.press('ENTER');
      else if (IDLE.test(screen)) return true;
      else {
        term.clock.advance(PROMPT_TIMEOUT_MS);
        await term.settle();
      }
    }
    throw new Error(`the terminal does not return to idle (screen: ${term.screen})`);
  }

  get signedIn(): boolean {
    return this.term.shell.operator !== undefined;
  }

  /** Keys one action in. Returns quietly when the terminal went elsewhere (see Abandoned). */
  async perform(action: CashierAction): Promise<void> {
    try {
      await this.keyIn(action);
    } catch (error) {
      if (!(error instanceof Abandoned)) throw error;
    }
  }

  private async keyIn(action: CashierAction): Promise<void> {
    switch (action.do) {
      case 'sign-in':
        await this.expect(/SIGN IN: ENTER/);
        await this.press('ENTER');
        await this.expect(/OPERATOR NO/);
        await this.type('01', 'ENTER');
        await this.expect(/PASSWORD/);
        await this.type('0000', 'ENTER');
        return;
      case 'sign-off':
        await this.admin('2');
        return;
      case 'echo':
        await this.admin('3');
        return;
      case 'sale':
        await this.menu('1', /AMOUNT/);
        await this.type(String(action.amountFen), 'ENTER');
        await this.swipeAndConfirm(action.card, true);
        return;
      case 'balance':
        await this.menu('4', /SWIPE CARD/);
        await this.swipeAndConfirm(action.card, true);
        return;
      case 'void': {
        const original = this.receipt('sale', action.ofAmount);
        await this.menu('2', /SUPERVISOR PWD/);
        await this.type(SUPERVISOR_PASSWORD, 'ENTER');
        await this.expect(/VOUCHER NO/);
        await this.type(String(original.voucherNo), 'ENTER');
        await this.swipeAndConfirm(this.cardOf(original), false);
        return;
      }
      case 'refund': {
        const original = this.receipt('sale', action.ofAmount);
        await this.menu('3', /SUPERVISOR PWD/);
        await this.type(SUPERVISOR_PASSWORD, 'ENTER');
        await this.expect(/ORIG REF NO/);
        await this.type(original.approval!.rrn, 'ENTER');
        await this.expect(/ORIG DATE/);
        await this.type(original.approval!.hostDate, 'ENTER');
        await this.expect(/AMOUNT/);
        await this.type(String(action.amountFen), 'ENTER');
        await this.swipeAndConfirm(this.cardOf(original), false);
        return;
      }
      case 'preauth':
        await this.menu('5', /1AUTH/);
        await this.press('1');
        await this.expect(/AMOUNT/);
        await this.type(String(action.amountFen), 'ENTER');
        await this.swipeAndConfirm(action.card, true);
        return;
      case 'completion': {
        const original = this.receipt('preauth', action.ofAmount);
        await this.menu('5', /1AUTH/);
        await this.press('3');
        await this.expect(/AUTH CODE/);
        await this.type(original.approval!.authCode, 'ENTER');
        await this.expect(/ORIG DATE/);
        await this.type(original.approval!.hostDate, 'ENTER');
        await this.expect(/AMOUNT/);
        await this.type(String(action.amountFen), 'ENTER');
        await this.swipeAndConfirm(this.cardOf(original), true);
        return;
      }
      case 'preauth-void': {
        const original = this.receipt('preauth', action.ofAmount);
        await this.menu('5', /1AUTH/);
        await this.press('2');
        await this.expect(/SUPERVISOR PWD/);
        await this.type(SUPERVISOR_PASSWORD, 'ENTER');
        await this.expect(/AUTH CODE/);
        await this.type(original.approval!.authCode, 'ENTER');
        await this.expect(/ORIG DATE/);
        await this.type(original.approval!.hostDate, 'ENTER');
        await this.expect(/AMOUNT/);
        await this.type(String(original.amountFen), 'ENTER');
        await this.swipeAndConfirm(this.cardOf(original), false);
        return;
      }
      case 'completion-void': {
        const original = this.receipt('completion', action.ofAmount);
        await this.menu('5', /1AUTH/);
        await this.press('4');
        await this.expect(/SUPERVISOR PWD/);
        await this.type(SUPERVISOR_PASSWORD, 'ENTER');
        await this.expect(/VOUCHER NO/);
        await this.type(String(original.voucherNo), 'ENTER');
        await this.swipeAndConfirm(this.cardOf(original), false);
        return;
      }
      case 'reprint-last':
        await this.menu('6', /1LAST/);
        await this.press('1');
        return;
      case 'paper-out':
        this.term.printer.reload(action.afterLines);
        return;
      case 'settle':
        // The totals are shown for 确认 before anything is sent.
        await this.menu('8', /ENTER: SETTLE/);
        await this.press('ENTER');
        return;
    }
  }

  /** The approved transaction of this kind and amount the cashier has a receipt for. */
  private receipt(type: JournalTransaction['type'], amountFen: number): JournalTransaction {
    for (const tx of this.receipts()) if (tx.type === type && tx.amountFen === amountFen && tx.approval) return tx;
    throw new Abandoned(`no receipt of an approved ${type} of ${amountFen}`);
  }

  private cardOf(tx: JournalTransaction): number {
    const index = this.term.host.cards.findIndex((c) => c.pan === tx.request.pan);
    if (index < 0) throw new Error('a journal PAN that is not in the card file');
    return index;
  }

  private async menu(key: PosKey, then: RegExp): Promise<void> {
    await this.expect(/READY/);
    await this.press(key);
    await this.expect(then);
  }

  /** An admin menu item (menu 9): open with or without an operator signed in. */
  private async admin(item: PosKey): Promise<void> {
    await this.expect(IDLE);
    await this.press('9');
    await this.expect(/3ECHO/);
    await this.press(item);
  }

  private async swipeAndConfirm(card: number, withPin: boolean): Promise<void> {
    await this.expect(/SWIPE CARD/);
    await this.swipe(card);
    await this.expect(/ENTER TO CONFIRM/);
    await this.press('ENTER');
    if (!withPin) return;
    await this.expect(/ENTER PIN/);
    await this.type(this.term.host.cards[card]!.pin, 'ENTER');
  }

  /** A swipe of a card from the host simulator's card file, through the real track parser. */
  private async swipe(index: number): Promise<void> {
    const c = this.term.host.cards[index]!;
    const read = cardFromTracks({ track2: `${c.pan}=${c.expiry}${c.serviceCode}0000000000` }, this.swipes++ % 2 === 0 ? 'forward' : 'backward');
    if (!read.ok) throw new Error(`card ${index} of the card file does not read: ${read.detail}`);
    this.term.shell.swipe(read satisfies CardRead);
    await this.term.settle();
  }

  private async expect(screen: RegExp): Promise<void> {
    if (/SETTLE FIRST/.test(this.term.screen)) this.settleRequested = true;
    if (this.term.halted !== undefined || !this.term.shell.isIdle() || !screen.test(this.term.screen)) {
      throw new Abandoned(`expected ${screen}, screen shows ${this.term.screen}`);
    }
  }

  private async press(...keys: PosKey[]): Promise<void> {
    for (const key of keys) {
      if (this.term.halted !== undefined) throw new Abandoned('the power went');
      this.term.shell.key({ key, repeat: false });
      await this.term.settle();
    }
  }

  private async type(digits: string, then: PosKey): Promise<void> {
    await this.press(...(digits.split('') as PosKey[]), then);
  }
}
