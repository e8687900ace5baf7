/**
 * How a swiped card may be used on this terminal, which reads magstripes only (DIALECT.md, "chip
 * cards"). The first digit of the service code says whether the card carries a chip: 2 and 6 are
 * chip cards (international / national use). Since 2017 UnionPay declines a magstripe read of a chip
 * card unless it is flagged as a fallback, so the terminal either refuses the swipe (请插卡, nothing
 * sent) or, where the acquirer allows it (setting chipCardSwipe), sends it flagged as a fallback.
 */
import type { CardEntryMode } from '../journal/journal.js';
import type { TerminalSettings } from './settings.js';

export type { CardEntryMode };

export function isChipCard(serviceCode: string): boolean {
  return serviceCode.startsWith('2') || serviceCode.startsWith('6');
}

/** 'refused' when the card has a chip and the terminal is set to refuse chip swipes. */
export function entryModeFor(serviceCode: string, settings: Pick<TerminalSettings, 'chipCardSwipe'>): CardEntryMode | 'refused' {
  if (!isChipCard(serviceCode)) return 'swipe';
  return settings.chipCardSwipe === 'fallback' ? 'fallback' : 'refused';
}

/**
 * F22: 02x magstripe, 80x a chip card read from its stripe after the chip could not be used
 * (inferred from ISO 8583 / scheme practice; see DIALECT.md). x = 1 with PIN, 2 without.
 */
export function posEntryMode(entry: CardEntryMode, withPin: boolean): string {
  return (entry === 'fallback' ? '80' : '02') + (withPin ? '1' : '2');
}

/** 60.4 terminal read capability: 2 = magstripe only (this terminal has no chip or contactless reader). */
export const READ_CAPABILITY_MAGSTRIPE = '2';

/** 60.5 IC condition code: 0 = not a fallback, 2 = the chip could not be used (fallback swipe). */
export function icConditionCode(entry: CardEntryMode): string {
  return entry === 'fallback' ? '2' : '0';
}
