/**
 * Starts runs in child processes. Each run gets its own process so that a
 * crash or a cancel affects that run alone and runs use all cores.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { newestMtime } from '../newestMtime';
import type { ExecutorSetting } from '../../../shared/executors';
import { EXIT, type ChildMessage, type StartMessage } from '../runs/processProtocol';
import type { StoredPlacement } from '../store/store';

export interface RunHandle {
  readonly pid: number;
  /** Ask the run to checkpoint and stop after its current iteration. */
  stop(): void;
  /** End the process now. */
  kill(): void;
  /**
   * Stop watching the run but leave it running (the coordinator is closing);
   * the next coordinator reattaches. Absent: closing stops the run.
   */
  detach?(): void;
}

export interface RunCallbacks {
  onMessage(m: ChildMessage): void;
  onExit(code: number | null, signal: NodeJS.Signals | null): void;
  /**
   * The newest iteration whose metrics are stored (buffered rows written
   * first): an executor that starts the run again itself resumes from a
   * checkpoint no newer, so no row is skipped.
   */
  resumePoint?(): number;
}

export interface RunExecutor {
  start(message: StartMessage, callbacks: RunCallbacks): RunHandle;
  /** Watches again a run a previous coordinator started, from what it stored; null: it cannot (the run is interrupted). */
  reattach?(message: StartMessage, placement: StoredPlacement, callbacks: RunCallbacks): RunHandle | null;
  /** How many runs with this setting may execute at once; null: the queue's concurrency. */
  slots?(setting: ExecutorSetting): number | null;
  /** Checks a setting can be used, before runs are queued with it; throws an error naming the field. */
  check?(setting: ExecutorSetting): Promise<void>;
  /** Ends processes kept ready for future runs. */
  dispose?(): void;
}

/**
 * The run process entry when running from source: the built bundle
 * (out/main/runProcess.js) if it is newer than every source file — it starts
 * in a fraction of the time — else the TypeScript entry through tsx.
 */
export function defaultRunEntry(): { entry: string; execArgv: string[] } {
  const source = fileURLToPath(new URL('../runs/runProcess.ts', import.meta.url));
  const root = resolve(dirname(source), '../../../..');
  const bundle = join(root, 'out', 'main', 'runProcess.js');
  if (existsSync(bundle) && statSync(bundle).mtimeMs >= newestMtime(join(root, 'src'))) return { entry: bundle, execArgv: [] };
  return { entry: source, execArgv: ['--import', 'tsx'] };
}

/**
 * V8 flags of every run process. MuJoCo's WASM functions move from the
 * baseline compiler to the optimising one once they have run a "budget" of
 * code; at the default budget a run that lasts a fraction of a second spends
 * more CPU optimising than running (measured: a 1-episode evaluation used
 * ~450 ms of CPU and 95 ms from start message to exit; at a 10M budget
 * ~340 ms and 48 ms). Long runs are unaffected: physics reaches the same
 * steps/s after its first few thousand steps either way.
 */
export const RUN_PROCESS_V8_FLAGS = ['--wasm-tiering-budget=10000000'];

/**
 * Forks the run process entry: from source (see defaultRunEntry) or a built
 * entry given by the shell (the Electron app runs it with ELECTRON_RUN_AS_NODE).
 */
export class ChildProcessExecutor implements RunExecutor {
  private readonly entry: string;
  private readonly execArgv: string[];
  /**
   * Processes started ahead of their run, modules and MuJoCo already loaded
   * (~300 ms of start-up), so a launched run begins at once. Each run still
   * gets a process of its own; a spare is simply forked early.
   */
  private readonly spares: Spawned[] = [];

  constructor(
    entry?: string,
    execArgv?: string[],
    private readonly env: NodeJS.ProcessEnv = process.env,
    private readonly spareCount = 1,
  ) {
    const fallback = entry ? { entry, execArgv: execArgv ?? [] } : defaultRunEntry();
    this.entry = fallback.entry;
    this.execArgv = [...RUN_PROCESS_V8_FLAGS, ...(execArgv ?? fallback.execArgv)];
  }

  start(message: StartMessage, cb: RunCallbacks): RunHandle {
    let spawned = this.spares.shift();
    while (spawned && (spawned.child.exitCode !== null || !spawned.child.connected)) spawned = this.spares.shift();
    spawned ??= this.spawn();
    const { child } = spawned;
    child.ref();
    (child.channel as { ref?: () => void } | undefined)?.ref?.();
    child.on('message', (m: ChildMessage) => cb.onMessage(m));
    child.on('exit', (code, signal) => {
      const stderr = spawned.stderr();
      if (code !== EXIT.succeeded && code !== EXIT.interrupted && stderr.trim()) cb.onMessage({ type: 'failed', message: stderr.trim().split('\n').slice(-5).join('\n') });
      cb.onExit(code, signal);
    });
    child.send(message);
    while (this.spares.length < this.spareCount) this.spares.push(this.spawn());
    return {
      pid: child.pid ?? -1,
      stop: () => child.kill('SIGTERM'),
      kill: () => child.kill('SIGKILL'),
    };
  }

  dispose(): void {
    for (const s of this.spares.splice(0)) s.child.kill('SIGKILL');
  }

  private spawn(): Spawned {
    const child: ChildProcess = fork(this.entry, [], { execArgv: this.execArgv, env: this.env, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    let stderr = '';
    child.stderr?.on('data', (b: Buffer) => {
      stderr = (stderr + b.toString()).slice(-4000);
    });
    // An unused spare must not keep the coordinator alive.
    child.unref();
    (child.channel as { unref?: () => void } | undefined)?.unref?.();
    return { child, stderr: () => stderr };
  }
}

interface Spawned {
  child: ChildProcess;
  stderr(): string;
}

/** Sends each run to the executor its setting names: local child processes, or Slurm. */
export class ExecutorRouter implements RunExecutor {
  constructor(private readonly executors: { local: RunExecutor; slurm: () => RunExecutor }) {}

  private slurmExecutor: RunExecutor | undefined;

  private of(kind: ExecutorSetting['kind'] | undefined): RunExecutor {
    if (kind !== 'slurm') return this.executors.local;
    return (this.slurmExecutor ??= this.executors.slurm());
  }

  start(message: StartMessage, callbacks: RunCallbacks): RunHandle {
    const handle = this.of(message.executor?.kind).start(message, callbacks);
    if (message.executor?.kind !== 'slurm') callbacks.onMessage({ type: 'placement', placement: { kind: 'local' } });
    return handle;
  }

  reattach(message: StartMessage, placement: StoredPlacement, callbacks: RunCallbacks): RunHandle | null {
    return this.of(placement.kind).reattach?.(message, placement, callbacks) ?? null;
  }

  slots(setting: ExecutorSetting): number | null {
    return this.of(setting.kind).slots?.(setting) ?? null;
  }

  async check(setting: ExecutorSetting): Promise<void> {
    await this.of(setting.kind).check?.(setting);
  }

  dispose(): void {
    this.executors.local.dispose?.();
    this.slurmExecutor?.dispose?.();
  }
}
