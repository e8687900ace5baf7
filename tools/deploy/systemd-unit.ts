/**
 * The systemd unit for a dev board: a dedicated user in the gpio, i2c and dialout groups (GPIO,
 * the LCD backpack and the printer/reader UARTs), restart on failure, SIGTERM to finish the current
 * step (the runtime handles it), the flash image under the unit's state directory.
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
ExecStart=${o.nodePath} ${o.installDir}/pos-terminal.cjs run --board ${o.installDir}/${o.boardConfigName}
Restart=on-failure
RestartSec=2
KillSignal=SIGTERM
TimeoutStopSec=90

[Install]
WantedBy=multi-user.target
`;
}
