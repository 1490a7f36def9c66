/**
 * Which process a pid is, beyond the number: pids are reused (after a reboot,
 * or once a busy machine wraps around), so a pid stored in the data folder
 * only names the process it was stored for if that process's start time
 * still matches. The parent tells a run process whose coordinator died (it
 * was handed to init or a subreaper) from one whose coordinator still runs
 * it (a copy of a data folder opened while the original's runs execute).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface ProcessIdentity {
  /** When the process started, in a form only that process has (boot id and clock ticks on Linux). */
  started: string;
  parent: number;
}

/** The identity of a live process; null when it is gone or the platform cannot say (then callers must not assume). */
export function processIdentity(pid: number): ProcessIdentity | null {
  if (!Number.isInteger(pid) || pid <= 0) return null;
  return process.platform === 'linux' ? fromProc(pid) : fromPs(pid);
}

function fromProc(pid: number): ProcessIdentity | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name in parentheses may hold spaces and ')': the fields start after the last one.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // proc(5): field 4 is the parent pid, field 22 the start time in clock ticks after boot; fields[0] is field 3.
  const parent = Number(fields[1]);
  const ticks = fields[19];
  if (!Number.isInteger(parent) || !ticks) return null;
  return { started: `${bootId()}/${ticks}`, parent };
}

function fromPs(pid: number): ProcessIdentity | null {
  try {
    const out = execFileSync('ps', ['-o', 'ppid=,lstart=', '-p', String(pid)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 }).trim();
    const m = /^(\d+)\s+(.+)$/.exec(out);
    return m ? { started: m[2], parent: Number(m[1]) } : null;
  } catch {
    return null;
  }
}

let boot: string | undefined;
function bootId(): string {
  boot ??= (() => {
    try {
      return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    } catch {
      return '';
    }
  })();
  return boot;
}
