/**
 * One process per journal image (issue 10, item 4). Two terminals writing one image interleave
 * their sectors and reuse each other's STANs, and nothing on the flash can tell afterwards. Node 18
 * has no flock, so the lock is a name beside the image, `<image>.lock`, created exclusively (it
 * fails if the name exists) and holding the owner's PID. A lock whose PID is no longer alive is
 * stale (the owner was killed, or the board lost power) and is taken over; the caller logs that.
 * The lock goes when its owner releases it, and at process exit (the 'exit' event) should a release
 * be missed.
 *
 * The lock is a symbolic link whose target is the PID, as Emacs locks files: made in one atomic
 * step with its content, and it needs no data block - a short link lives in the inode on ext4 and
 * tmpfs - so a terminal still boots on a full disk and sends the reversals it owes. On a filesystem
 * without symbolic links it is a regular file made with O_EXCL ('wx') and the PID written into it.
 *
 * Readers (pos journal inspect/verify, the simulator's batch probe) open the image read-only and
 * take no lock: they never write, so they may run beside the terminal.
 */
import { closeSync, linkSync, lstatSync, openSync, readFileSync, readlinkSync, renameSync, symlinkSync, unlinkSync, writeSync } from 'node:fs';

export class ImageLockedError extends Error {
  constructor(
    readonly imagePath: string,
    readonly holderPid: number | undefined,
  ) {
    super(
      holderPid === undefined
        ? `journal image ${imagePath} is being locked by another process right now (${lockPathOf(imagePath)} is still empty); try again`
        : `journal image ${imagePath} is in use by process ${holderPid} (lock ${lockPathOf(imagePath)}); stop that process first - one terminal per journal`,
    );
    this.name = 'ImageLockedError';
  }
}

export interface ImageLock {
  readonly lockPath: string;
  /** The PID of a dead owner whose stale lock this one replaced. */
  readonly tookOverFrom: number | undefined;
  release(): void;
}

export interface LockOptions {
  pid?: number;
  /** Whether a PID names a live process; process.kill(pid, 0) by default. */
  isAlive?: (pid: number) => boolean;
  /** Wall-clock ms now; an empty lock file older than EMPTY_LOCK_GRACE_MS is stale. */
  now?: () => number;
}

/** A lock file is empty only between its creation and the PID's write: a few ms, unless its owner died there. */
const EMPTY_LOCK_GRACE_MS = 10_000;

export function lockPathOf(imagePath: string): string {
  return `${imagePath}.lock`;
}

/** Takes the image's lock or throws ImageLockedError naming the live holder. */
export function lockImage(imagePath: string, options: LockOptions = {}): ImageLock {
  const pid = options.pid ?? process.pid;
  const isAlive = options.isAlive ?? processAlive;
  const now = options.now ?? Date.now;
  const lockPath = lockPathOf(imagePath);
  let tookOverFrom: number | undefined;
  // A few rounds: another process may release or take over between our steps.
  for (let round = 0; round < 5; round++) {
    if (createLockFile(lockPath, pid)) return heldLock(lockPath, pid, tookOverFrom);
    const holder = readHolder(lockPath);
    if (holder.kind === 'gone') continue;
    if (holder.kind === 'empty') {
      if (now() - holder.mtimeMs < EMPTY_LOCK_GRACE_MS) throw new ImageLockedError(imagePath, undefined);
    } else if (holder.pid === pid || isAlive(holder.pid)) {
      throw new ImageLockedError(imagePath, holder.pid);
    }
    const stalePid = holder.kind === 'pid' ? holder.pid : undefined;
    if (removeStale(lockPath, stalePid, pid) && stalePid !== undefined) tookOverFrom = stalePid;
  }
  throw new ImageLockedError(imagePath, undefined);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user; it is alive all the same.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Makes the lock holding `pid`; false when a lock is already there. */
function createLockFile(lockPath: string, pid: number): boolean {
  try {
    symlinkSync(String(pid), lockPath);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') throw error;
  }
  // No symbolic links here (a FAT card): an O_EXCL file, the PID written just after.
  let fd: number;
  try {
    fd = openSync(lockPath, 'wx', 0o644);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, `${pid}\n`);
  } catch (error) {
    unlinkSync(lockPath);
    throw error;
  } finally {
    closeSync(fd);
  }
  return true;
}

type Holder = { kind: 'pid'; pid: number } | { kind: 'empty'; mtimeMs: number } | { kind: 'gone' };

function readHolder(lockPath: string): Holder {
  let text: string;
  let mtimeMs: number;
  try {
    const stats = lstatSync(lockPath);
    mtimeMs = stats.mtimeMs;
    text = stats.isSymbolicLink() ? readlinkSync(lockPath) : readFileSync(lockPath, 'ascii');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'gone' };
    throw error;
  }
  const pid = Number(text.trim());
  // Content that is no PID (a torn write, a stray file) counts as empty: stale once old enough.
  return Number.isInteger(pid) && pid > 0 ? { kind: 'pid', pid } : { kind: 'empty', mtimeMs };
}

/**
 * Moves the stale lock aside under a name of our own, then checks it is the one we judged: if
 * another process took the lock over in between, its live lock is put back and we go round again.
 */
function removeStale(lockPath: string, stalePid: number | undefined, pid: number): boolean {
  const aside = `${lockPath}.stale-${pid}`;
  try {
    renameSync(lockPath, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
  const moved = readHolder(aside);
  const same = stalePid === undefined ? moved.kind === 'empty' : moved.kind === 'pid' && moved.pid === stalePid;
  if (!same) {
    try {
      linkSync(aside, lockPath);
    } catch {
      // A third process holds the name now; the one we moved was live, but the name is taken either way.
    }
  }
  unlinkSync(aside);
  return same;
}

function heldLock(lockPath: string, pid: number, tookOverFrom: number | undefined): ImageLock {
  let held = true;
  const release = (): void => {
    if (!held) return;
    held = false;
    process.removeListener('exit', release);
    const holder = readHolder(lockPath);
    // Only our own lock: a takeover after we were wrongly judged dead is not ours to remove.
    if (holder.kind === 'pid' && holder.pid === pid) unlinkSync(lockPath);
  };
  process.on('exit', release);
  return { lockPath, tookOverFrom, release };
}
