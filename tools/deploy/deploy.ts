import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { buildBundle, BOARD_RUNTIME_PACKAGES } from './bundle.js';
import { renderSystemdUnit } from './systemd-unit.js';

export interface DeployOptions {
  projectRoot: string;
  boardConfigPath: string;
  /** user@host; absent with dryRun. */
  target?: string;
  dryRun: boolean;
  installDir: string;
  serviceUser: string;
  /** Where the bundle and unit are written; default <projectRoot>/dist. */
  distDir?: string;
  /** Prints one line per step. */
  say: (line: string) => void;
  /** Runs a remote step (ssh/scp); injectable so tests never touch the network. */
  exec?: (command: string, args: string[]) => number;
}

export const BUNDLE_NAME = 'pos-terminal.cjs';
export const UNIT_NAME = 'pos-terminal.service';

/**
 * Builds dist/pos-terminal.cjs and dist/pos-terminal.service; unless dry-run, copies both (and the
 * board config) to the target over ssh, installs the native runtime packages there and starts the unit.
 * Returns the process exit code.
 */
export async function deploy(o: DeployOptions): Promise<number> {
  const dist = o.distDir ?? path.join(o.projectRoot, 'dist');
  const bundlePath = path.join(dist, BUNDLE_NAME);
  const unitPath = path.join(dist, UNIT_NAME);
  const boardName = path.basename(o.boardConfigPath);
  const steps = o.dryRun ? 3 : 7;
  let step = 0;
  const progress = (what: string): void => o.say(`[${++step}/${steps}] ${what}`);

  progress(`checking board config ${o.boardConfigPath}`);
  if (!fs.existsSync(o.boardConfigPath)) {
    o.say(`error: board config ${o.boardConfigPath} does not exist; pass --board board-configs/<name>.json`);
    return 2;
  }
  fs.mkdirSync(dist, { recursive: true });

  progress(`bundling for Node 18 -> ${path.relative(o.projectRoot, bundlePath)}`);
  const bytes = await buildBundle(o.projectRoot, bundlePath);
  o.say(`      ${(bytes / 1024).toFixed(0)} KiB; native packages installed on the board: ${BOARD_RUNTIME_PACKAGES.join(', ')}`);

  progress(`writing systemd unit -> ${path.relative(o.projectRoot, unitPath)}`);
  fs.writeFileSync(
    unitPath,
    renderSystemdUnit({ installDir: o.installDir, user: o.serviceUser, boardConfigName: boardName, nodePath: '/usr/bin/node' }),
  );
  if (o.dryRun) {
    o.say('dry run: nothing copied. Run without --dry-run and with --target user@host to install.');
    return 0;
  }
  if (!o.target) {
    o.say('error: --target user@host is required (or use --dry-run)');
    return 2;
  }
  const exec = o.exec ?? runInherit;
  const remote = (label: string, command: string, args: string[]): boolean => {
    progress(label);
    const code = exec(command, args);
    if (code !== 0) o.say(`error: "${command} ${args.join(' ')}" exited ${code}; fix the board's ssh access and run again`);
    return code === 0;
  };
  const stage = `/tmp/pos-terminal-deploy`;
  const packageJson = JSON.stringify({
    name: 'pos-terminal-board',
    private: true,
    dependencies: Object.fromEntries(BOARD_RUNTIME_PACKAGES.map((p) => [p, '^12.0.0'])),
  });
  const ok =
    remote(`creating user ${o.serviceUser} (groups gpio, i2c, dialout) and ${o.installDir}`, 'ssh', [
      o.target,
      `sudo id -u ${o.serviceUser} >/dev/null 2>&1 || sudo useradd --system --no-create-home --groups gpio,i2c,dialout ${o.serviceUser}; ` +
        `sudo mkdir -p ${o.installDir} ${stage} && sudo chown $(id -u) ${stage}`,
    ]) &&
    remote('copying bundle, unit and board config', 'scp', [bundlePath, unitPath, o.boardConfigPath, `${o.target}:${stage}/`]) &&
    remote('installing native runtime packages on the board (npm)', 'ssh', [
      o.target,
      `cd ${stage} && echo '${packageJson}' > package.json && npm install --omit=dev --no-audit --no-fund && ` +
        `sudo cp -r ${BUNDLE_NAME} ${boardName} package.json node_modules ${o.installDir}/ && sudo cp ${UNIT_NAME} /etc/systemd/system/`,
    ]) &&
    remote('enabling and (re)starting the service', 'ssh', [
      o.target,
      `sudo systemctl daemon-reload && sudo systemctl enable ${UNIT_NAME} && sudo systemctl restart ${UNIT_NAME} && systemctl --no-pager status ${UNIT_NAME} | head -5`,
    ]);
  if (ok) o.say(`deployed: journalctl -u ${UNIT_NAME} -f on the board shows the terminal's log`);
  return ok ? 0 : 1;
}

function runInherit(command: string, args: string[]): number {
  const r = spawnSync(command, args, { stdio: 'inherit' });
  return r.status ?? 1;
}
