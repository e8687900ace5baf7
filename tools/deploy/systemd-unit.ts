/**
 * The systemd unit for a dev board: a dedicated user in the gpio, i2c and dialout groups (GPIO,
 * the LCD backpack and the printer/reader UARTs), restart on failure, SIGTERM to finish the current
 * step (the runtime handles it), the flash image under the unit's state directory, and the small-heap
 * node settings that keep resident memory under 80 MB.
 */
export interface UnitOptions {
  installDir: string;
  user: string;
  boardConfigName: string;
  nodePath: string;
}

export function renderSystemdUnit(o: UnitOptions): string {
  return `[Unit]
Description=pos-terminal (bank-card POS runtime)
After=network-online.target
Wants=network-online.target

[Service]
Type=simple
User=${o.user}
Group=${o.user}
SupplementaryGroups=gpio i2c dialout
WorkingDirectory=${o.installDir}
StateDirectory=pos-terminal
Environment=NODE_ENV=production
Environment=POS_STATE_DIR=/var/lib/pos-terminal
# The heap and malloc settings bench:engine measures resident memory with (<= 80 MB on the board).
Environment=MALLOC_ARENA_MAX=2
ExecStart=${o.nodePath} --max-semi-space-size=2 --max-old-space-size=24 ${o.installDir}/pos-terminal.cjs run --board ${o.installDir}/${o.boardConfigName}
Restart=on-failure
RestartSec=2
KillSignal=SIGTERM
TimeoutStopSec=90

[Install]
WantedBy=multi-user.target
`;
}
