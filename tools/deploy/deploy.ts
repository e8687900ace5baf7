import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { readBoardConfig, type BoardConfig } from '../../firmware/hal/board-config.js';
import { boardNeeds, type BoardNeeds } from './board-needs.js';
import { buildBundle, ENTRY_NAME } from './bundle.js';
import { renderSystemdUnit } from './systemd-unit.js';

export interface DeployOptions {
  projectRoot: string;
  boardConfigPath: string;
  /** user@host (ssh), or a local folder standing in for the board's install directory; absent with dryRun. */
  target?: string;
  dryRun: boolean;
  installDir: string;
  serviceUser: string;
  /** The board's state directory (the unit's only writable path). */
  stateDir?: string;
  /** A TMK file to load on the board with `pos keys load-tmk -` (sent over ssh's stdin, never a file there). */
  tmkFile?: string;
  /** Where the bundle directory and unit are written; default <projectRoot>/dist. */
  distDir?: string;
  /** Prints one line per step. */
  say: (line: string) => void;
  /** Runs a remote step (ssh/scp); injectable so tests never touch the network. */
  exec?: (command: string, args: string[], input?: Buffer) => RemoteResult;
}

export interface RemoteResult {
  status: number;
  stdout: string;
}

export const BUNDLE_DIR_NAME = 'pos-terminal';
export const UNIT_NAME = 'pos-terminal.service';
const DEFAULT_STATE_DIR = '/var/lib/pos-terminal';
const STAGE = '/tmp/pos-terminal-deploy';

/**
 * Checks the board config, builds dist/pos-terminal/ (the bundle directory: code, assets, serialport
 * prebuilds, the board config and the unit) and then either stops (dry run), copies it into a local
 * folder standing in for the board, or installs it on the target over ssh, one step at a time.
 * Returns the process exit code.
 */
export async function deploy(o: DeployOptions): Promise<number> {
  const dist = o.distDir ?? path.join(o.projectRoot, 'dist');
  const bundleDir = path.join(dist, BUNDLE_DIR_NAME);
  const stateDir = o.stateDir ?? DEFAULT_STATE_DIR;
  const local = o.target !== undefined && isLocalTarget(o.target);
  const steps = o.dryRun ? 3 : local ? 4 : 10;
  let step = 0;
  const progress = (what: string): void => o.say(`[${++step}/${steps}] ${what}`);

  progress(`checking board config ${o.boardConfigPath}`);
  const checked = checkBoardConfig(o.boardConfigPath, stateDir);
  if ('error' in checked) {
    o.say(`error: ${checked.error}`);
    return 2;
  }
  const { config, needs } = checked;
  const boardName = path.basename(o.boardConfigPath);
  o.say(`      IO plugin: ${needs.ioPlugin.note}`);
  if (!needs.ioPlugin.inBundle) o.say(`      the board needs: ${needs.ioPlugin.packages.join(', ')}`);
  o.say(`      devices: ${needs.devices.join(', ') || 'none'}; groups: ${needs.groups.join(', ') || 'none'}`);

  progress(`bundling for Node 18 -> ${path.relative(o.projectRoot, bundleDir)}/`);
  const bundle = await buildBundle(o.projectRoot, bundleDir);
  o.say(`      JavaScript ${kib(bundle.javascriptBytes)} (pos run loads ${kib(bundle.runBytes)} before its board's drivers), ${bundle.files.length} files; no npm needed on the board`);
  fs.copyFileSync(o.boardConfigPath, path.join(bundleDir, boardName));

  const installDir = local ? path.resolve(o.target!) : o.installDir;
  const writeUnit = (groups: string[]): string => {
    const unit = renderSystemdUnit({
      installDir,
      user: o.serviceUser,
      boardConfigName: boardName,
      nodePath: '/usr/bin/node',
      supplementaryGroups: groups,
      devices: needs.devices,
      stateDir,
    });
    const unitPath = path.join(bundleDir, UNIT_NAME);
    fs.writeFileSync(unitPath, unit);
    return unitPath;
  };
  progress(`writing systemd unit -> ${path.relative(o.projectRoot, path.join(bundleDir, UNIT_NAME))}`);
  writeUnit(needs.groups);
  if (o.dryRun) {
    o.say(`dry run: nothing copied. The unit lists groups ${needs.groups.join(', ') || '(none)'}; a real deploy keeps those that exist on the target.`);
    return 0;
  }
  if (!o.target) {
    o.say('error: --target user@host (or a local folder) is required, or use --dry-run');
    return 2;
  }
  if (local) {
    progress(`copying the bundle directory into ${installDir} (a local folder standing in for the board)`);
    fs.mkdirSync(installDir, { recursive: true });
    fs.cpSync(bundleDir, installDir, { recursive: true });
    o.say(`deployed into ${installDir}; on a board: ${keyCommand(installDir, stateDir)}, then systemctl enable --now ${UNIT_NAME}`);
    return 0;
  }
  return installOverSsh({ ...o, target: o.target }, { bundleDir, boardName, stateDir, needs, config, writeUnit, progress });
}

interface InstallContext {
  bundleDir: string;
  boardName: string;
  stateDir: string;
  needs: BoardNeeds;
  config: BoardConfig;
  writeUnit: (groups: string[]) => string;
  progress: (what: string) => void;
}

/** Each remote step runs on its own and, when it fails, says which step and what to check. */
async function installOverSsh(o: DeployOptions & { target: string }, c: InstallContext): Promise<number> {
  const exec = o.exec ?? runInherit;
  const ssh = (script: string, input?: Buffer): RemoteResult => exec('ssh', [o.target, script], input);
  const step = (label: string, run: () => RemoteResult, failure: (r: RemoteResult) => string): RemoteResult | undefined => {
    c.progress(label);
    const result = run();
    if (result.status !== 0) {
      o.say(`error: ${failure(result)} (exit ${result.status})`);
      return undefined;
    }
    return result;
  };
  const user = o.serviceUser;
  const bundleOnBoard = path.posix.join(o.installDir, ENTRY_NAME);

  if (!step(`reaching ${o.target} over ssh`, () => ssh('true'), () => `cannot reach ${o.target} over ssh: check the host name, the network and your ssh key`)) return 1;

  const groupsStep = step(
    `looking up groups ${c.needs.groups.join(', ') || '(none needed)'} on the board`,
    () => ssh(`for g in ${c.needs.groups.join(' ')}; do getent group "$g" >/dev/null && echo "$g"; done; true`),
    () => 'cannot list the groups on the board (getent)',
  );
  if (!groupsStep) return 1;
  const present = groupsStep.stdout.split(/\s+/).filter((g) => c.needs.groups.includes(g));
  const missing = c.needs.groups.filter((g) => !present.includes(g));
  if (missing.length > 0) o.say(`      not on this board, left out of the unit: ${missing.join(', ')} (the devices' owner groups differ; check ls -l ${c.needs.devices.join(' ')})`);
  c.writeUnit(present);

  if (
    !step(
      `creating system user ${user}`,
      () => ssh(`id -u ${user} >/dev/null 2>&1 || sudo useradd --system --user-group --no-create-home --shell /usr/sbin/nologin ${user}`),
      () => `could not create the system user ${user}: is sudo allowed for this login without a password?`,
    )
  ) return 1;
  if (
    !step(
      `copying the bundle directory to ${o.target}:${STAGE}`,
      () => {
        const prepared = ssh(`rm -rf ${STAGE} && mkdir -p ${STAGE}`);
        return prepared.status !== 0 ? prepared : exec('scp', ['-r', '-q', `${c.bundleDir}/.`, `${o.target}:${STAGE}/`]);
      },
      () => `could not copy the bundle to ${o.target}:${STAGE}: is /tmp full or read-only on the board?`,
    )
  ) return 1;
  if (
    !step(
      `installing into ${o.installDir} (root-owned, read-only to ${user})`,
      () => ssh(`sudo rm -rf ${o.installDir}.new && sudo cp -r ${STAGE} ${o.installDir}.new && sudo chown -R root:root ${o.installDir}.new && sudo chmod -R go-w ${o.installDir}.new && sudo rm -rf ${o.installDir} && sudo mv ${o.installDir}.new ${o.installDir}`),
      () => `could not install into ${o.installDir}: check free space on the board (df -h ${path.posix.dirname(o.installDir)})`,
    )
  ) return 1;
  if (
    !step(
      `creating the state directory ${c.stateDir} (0700, owner ${user})`,
      () => ssh(`sudo install -d -m 0700 -o ${user} -g ${user} ${c.stateDir}`),
      () => `could not create ${c.stateDir}`,
    )
  ) return 1;
  const node = step(
    'checking node on the board (>= 18)',
    () => ssh(`node -e "process.exit(Number(process.versions.node.split('.')[0]) >= 18 ? 0 : 3)"`),
    (r) => (r.status === 3 ? 'the board\'s node is older than 18: sudo apt-get install nodejs (Debian 12 has 18)' : 'no node on the board: sudo apt-get install nodejs'),
  );
  if (!node) return 1;
  let keyLoaded: boolean;
  if (o.tmkFile) {
    const key = fs.readFileSync(o.tmkFile);
    keyLoaded = !!step(
      'loading the terminal master key (pos keys load-tmk, over ssh stdin)',
      () => ssh(`sudo node ${bundleOnBoard} keys load-tmk - --state-dir ${c.stateDir} --owner ${user}`, key),
      () => 'the board refused the master key (the line above says why); nothing was stored',
    );
    if (!keyLoaded) return 1;
  } else {
    const probe = step('checking for a terminal master key on the board', () => ssh(`sudo test -s ${c.stateDir}/master.key && echo present; true`), () => 'cannot check for the master key');
    if (!probe) return 1;
    keyLoaded = probe.stdout.includes('present');
  }
  if (
    !step(
      `installing ${UNIT_NAME}`,
      () => ssh(`sudo cp ${o.installDir}/${UNIT_NAME} /etc/systemd/system/${UNIT_NAME} && sudo systemctl daemon-reload && sudo systemctl enable ${UNIT_NAME}`),
      () => `could not install or enable ${UNIT_NAME}: sudo systemd-analyze verify /etc/systemd/system/${UNIT_NAME} says why`,
    )
  ) return 1;
  if (!keyLoaded) {
    c.progress('not starting: no terminal master key on the board yet');
    o.say(`next: ${keyCommand(o.installDir, c.stateDir)} on the board (or deploy again with --tmk <file>), then sudo systemctl start ${UNIT_NAME}`);
    return 0;
  }
  if (
    !step(
      `(re)starting ${UNIT_NAME}`,
      () => ssh(`sudo systemctl restart ${UNIT_NAME} && sleep 3 && systemctl is-active --quiet ${UNIT_NAME}`),
      () => `${UNIT_NAME} did not stay up: journalctl -u ${UNIT_NAME} -n 30 on the board says why`,
    )
  ) return 1;
  o.say(`deployed: journalctl -u ${UNIT_NAME} -f on the board shows the terminal's log`);
  return 0;
}

/** The exact command that loads the TMK on the board (the key from the key ceremony, hex, on stdin). */
export function keyCommand(installDir: string, stateDir: string): string {
  return `sudo node ${path.posix.join(installDir, ENTRY_NAME)} keys load-tmk - --state-dir ${stateDir} --owner pos`;
}

/** The config must parse, validate, name a real board, and keep its journal where the unit may write. */
export function checkBoardConfig(file: string, stateDir: string): { config: BoardConfig; needs: BoardNeeds } | { error: string } {
  if (!fs.existsSync(file)) return { error: `board config ${file} does not exist; pass --board board-configs/<name>.json` };
  let config: BoardConfig;
  try {
    config = readBoardConfig(file);
  } catch (error) {
    return { error: `${(error as Error).message.split('\n').map((l) => l.trim()).join('; ')}` };
  }
  if (config.board.kind === 'virtual') {
    return { error: `${file} is the virtual board (simulation); deploy a config for real hardware, e.g. board-configs/raspi.json or board-configs/uno-firmata.json` };
  }
  if (config.flash.kind === 'simulated') {
    return { error: `${file}: flash.kind "simulated" keeps the journal in memory; a board needs "file" (under ${stateDir}) or "i2c-eeprom"` };
  }
  if (config.flash.kind === 'file' && !isInside(config.flash.path, stateDir)) {
    return { error: `${file}: flash.path ${config.flash.path} is outside the state directory ${stateDir}, the only place the unit may write` };
  }
  return { config, needs: boardNeeds(config) };
}

function isInside(file: string, dir: string): boolean {
  const rel = path.posix.relative(dir, path.posix.normalize(file));
  return rel !== '' && !rel.startsWith('..') && !path.posix.isAbsolute(rel);
}

/** A path (absolute, or starting with ./ or ../) is a local folder; anything else is an ssh target. */
function isLocalTarget(target: string): boolean {
  return target.startsWith('/') || target.startsWith('./') || target.startsWith('../');
}

function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(0)} KiB`;
}

function runInherit(command: string, args: string[], input?: Buffer): RemoteResult {
  const r = spawnSync(command, args, { stdio: [input ? 'pipe' : 'inherit', 'pipe', 'inherit'], input });
  const stdout = r.stdout?.toString() ?? '';
  if (stdout) process.stdout.write(stdout);
  return { status: r.status ?? 1, stdout };
}
