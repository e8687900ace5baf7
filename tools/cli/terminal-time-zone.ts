/**
 * A CUP terminal keeps China time: receipts, F12/F13 and the print test are stamped in it whatever
 * the machine's own zone is (a dev box or CI runner is often UTC). An explicit TZ still wins.
 */
export const TERMINAL_TIME_ZONE = 'Asia/Shanghai';

export function useTerminalTimeZone(): void {
  process.env.TZ ??= TERMINAL_TIME_ZONE;
}
