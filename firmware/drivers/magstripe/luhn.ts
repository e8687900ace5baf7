/** The Luhn (mod 10) check digit of ISO/IEC 7812 card numbers. */

export function isLuhnValid(digits: string): boolean {
  if (!/^\d{2,}$/.test(digits)) return false;
  return luhnSum(digits, false) % 10 === 0;
}

/** The digit that makes `partial` + digit Luhn-valid. */
export function luhnCheckDigit(partial: string): string {
  if (!/^\d+$/.test(partial)) throw new RangeError('Luhn check digit needs a string of digits');
  return String((10 - (luhnSum(partial, true) % 10)) % 10);
}

/** Sum with every second digit doubled, counting from the right (from the check digit's left neighbour when `forCheckDigit`). */
function luhnSum(digits: string, forCheckDigit: boolean): number {
  let sum = 0;
  for (let i = digits.length - 1, double = forCheckDigit; i >= 0; i--, double = !double) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum;
}
