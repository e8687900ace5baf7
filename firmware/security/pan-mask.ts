/**
 * Masks a PAN for screens, receipts and logs: first 6 and last 4 digits, the rest '*'. Given a
 * width (a screen line), a PAN that would not fit shows fewer '*' - never fewer digits: a 19-digit
 * PAN cut at 16 columns lost 3 of its last 4, the digits a cashier compares with the card.
 */
export function maskPan(pan: string, width = Infinity): string {
  const digits = pan.replace(/\D/g, '');
  if (digits.length <= 10) return '*'.repeat(digits.length);
  const stars = Math.max(1, Math.min(digits.length - 10, width - 10));
  return digits.slice(0, 6) + '*'.repeat(stars) + digits.slice(-4);
}
