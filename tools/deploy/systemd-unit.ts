/**
 * The systemd unit for a board, hardened so an admin can sign it off (`systemd-analyze security`
 * exposure <= 3.5, "OK"): a dedicated unprivileged user with only the supplementary groups that exist
 * on the target; nothing writable but the state directory; no device but the config's; no new
 * privileges, capabilities, namespaces or kernel knobs; a start limit so a terminal that cannot start
 * (no master key, a board unplugged) stops retrying instead of looping every 2 s forever.
 * SIGTERM lets the runtime finish the current step; the small-heap node flags keep resident memory low.
 *
 * Left out on purpose, each because the terminal would not work with it:
 * - MemoryDenyWriteExecute: V8's JIT needs writable+executable pages.
 * - PrivateDevices: it hides the serial ports, GPIO chips and I2C/SPI buses; DevicePolicy=closed
 *   with DeviceAllow grants exactly the config's devices instead.
 * - PrivateUsers: device access through the gpio/i2c/dialout groups does not cross a user namespace.
 * - PrivateNetwork / IPAddressDeny: the acquirer's address can be changed in the 管理 menu.
 */
export interface UnitOptions {
  installDir: string;
  user: string;
  boardConfigName: string;
  nodePath: string;
  /** Groups that exist on the target and that the config's devices need (gpio, i2c, spi, dialout). */
  supplementaryGroups: string[];
  /** Device nodes the config opens, each granted read-write. */
  devices: string[];
  /** The only writable directory: settings.json, device.key, master.key, terminal.log, the journal image. */
  stateDir: string;
}

/**
 * The heap and malloc settings the deployed terminal runs with (bench:engine and test:node18 run
 * with them too). Resident memory of `pos run` on Node 18 after one sale (test:node18):
 * - V8's heap capped for a small board (bench:engine explains the sizes).
 * - --v8-pool-size=1: one V8 worker thread instead of one per core (5 MB less RSS: 65 MB against
 *   66-73 over three runs; the terminal has no parallel work for more).
 * - --optimize-for-size: V8's optimize-for-size mode (63.7 MB).
 * - MALLOC_ARENA_MAX=1: glibc holds one malloc arena; the terminal is one JavaScript thread (63.6-63.7
 *   MB against 63.4-64.6 with two).
 * - MALLOC_TRIM_THRESHOLD_=131072: glibc's default value, made fixed. By default glibc raises its
 *   trim threshold (to twice the block) each time a large mmap'ed block is freed, and node frees
 *   some at start, so memory freed at the top of the malloc heap (the compilers' zones) stayed
 *   resident: [heap] 7.2 MB, 4.9-5.5 with this; RSS 59.8-59.9 MB against 58.5-58.8 (three runs
 *   each, 2026-12-01). Sale CPU on Node 18 (bench:engine, load 7) showed no cost: 38-53 page faults
 *   and 0.2-0.4 ms of system time per sale either way. 256 KB or 1 MB left 0.5-1 MB more resident;
 *   a fixed 64 KB mmap threshold or MALLOC_TOP_PAD_=0 as well measured no different.
 * Not --lite-mode: without the optimizing compiler RSS fell by 5 MB (58.8 against 63.7), but the
 * magstripe decoder ran at 1 swipe a second instead of 54 (a cashier would wait a second per swipe
 * on x86, several on a Pi). Measured with no gain, two runs each (2026-12-01, 59.3-59.6 MB without
 * them at the time): --single-threaded-gc 59.6, --single-threaded 59.5, --no-turbo-inlining 59.4;
 * --no-sparkplug 60.3-60.4 (worse). Thread stacks are 8-20 KB resident each: a smaller libuv
 * threadpool would not show.
 */
export const UNIT_NODE_FLAGS = ['--max-semi-space-size=2', '--max-old-space-size=24', '--v8-pool-size=1', '--optimize-for-size'] as const;
export const UNIT_ENVIRONMENT = { MALLOC_ARENA_MAX: '1', MALLOC_TRIM_THRESHOLD_: '131072' } as const;

export const STATE_DIRECTORY_NAME = 'pos-terminal';

export function renderSystemdUnit(o: UnitOptions): string {
  const groups = o.supplementaryGroups.length > 0 ? `SupplementaryGroups=${o.supplementaryGroups.join(' ')}\n` : '';
  const devices = o.devices.map((d) => `DeviceAllow=${d} rw\n`).join('');
  const environment = Object.entries(UNIT_ENVIRONMENT)
    .map(([name, value]) => `Environment=${name}=${value}\n`)
    .join('');
  return `[Unit]
Description=pos-terminal (bank-card POS runtime)
After=network-online.target
Wants=network-online.target
# Give up after 5 failed starts in 5 minutes (no master key, board unplugged): see journalctl -u pos-terminal.
StartLimitIntervalSec=300
StartLimitBurst=5

[Service]
Type=simple
User=${o.user}
Group=${o.user}
${groups}WorkingDirectory=${o.installDir}
StateDirectory=${STATE_DIRECTORY_NAME}
StateDirectoryMode=0700
Environment=NODE_ENV=production
Environment=POS_STATE_DIR=${o.stateDir}
# glibc: one malloc arena and a fixed trim threshold; V8: a small heap (resident memory, see tools/deploy/systemd-unit.ts).
${environment}ExecStart=${o.nodePath} ${UNIT_NODE_FLAGS.join(' ')} ${o.installDir}/pos-terminal.mjs run --board ${o.installDir}/${o.boardConfigName} --quiet
Restart=on-failure
RestartSec=2
KillSignal=SIGTERM
TimeoutStopSec=90
UMask=0077

# Files: the install directory read-only, nothing writable but the state directory.
ProtectSystem=strict
ReadWritePaths=${o.stateDir}
ProtectHome=yes
PrivateTmp=yes
PrivateMounts=yes
# Devices: exactly the board config's.
DevicePolicy=closed
${devices}# Privileges.
NoNewPrivileges=yes
CapabilityBoundingSet=
AmbientCapabilities=
RestrictSUIDSGID=yes
LockPersonality=yes
RestrictRealtime=yes
RestrictNamespaces=yes
RemoveIPC=yes
KeyringMode=private
# Kernel and other processes.
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectKernelLogs=yes
ProtectControlGroups=yes
ProtectClock=yes
ProtectHostname=yes
ProtectProc=invisible
ProcSubset=pid
# The acquirer over TCP/IP; serial ports, GPIO and buses are device files.
RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX
SystemCallArchitectures=native
SystemCallFilter=@system-service
SystemCallFilter=~@privileged
SystemCallErrorNumber=EPERM

[Install]
WantedBy=multi-user.target
`;
}
