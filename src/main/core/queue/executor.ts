/**
 * Starts runs in child processes. Each run gets its own process so that a
 * crash or a cancel affects that run alone and runs use all cores.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { ChildMessage, StartMessage } from '../runs/processProtocol';

export interface RunHandle {
  readonly pid: number;
  /** Ask the run to checkpoint and stop after its current iteration. */
  stop(): void;
  /** End the process now. */
  kill(): void;
}

export interface RunCallbacks {
  onMessage(m: ChildMessage): void;
  onExit(code: number | null, signal: NodeJS.Signals | null): void;
}

export interface RunExecutor {
  start(message: StartMessage, callbacks: RunCallbacks): RunHandle;
}

/**
 * Forks src/main/core/runs/runProcess.ts: through tsx when running from
 * source, or a built entry given by the shell (the Electron app runs it with
 * ELECTRON_RUN_AS_NODE).
 */
export class ChildProcessExecutor implements RunExecutor {
  constructor(
    private readonly entry: string = fileURLToPath(new URL('../runs/runProcess.ts', import.meta.url)),
    private readonly execArgv: string[] = entry.endsWith('.ts') ? ['--import', 'tsx'] : [],
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {}

  start(message: StartMessage, cb: RunCallbacks): RunHandle {
    const child: ChildProcess = fork(this.entry, [], { execArgv: this.execArgv, env: this.env, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    let stderr = '';
    child.stderr?.on('data', (b: Buffer) => {
      stderr = (stderr + b.toString()).slice(-4000);
    });
    child.on('message', (m: ChildMessage) => cb.onMessage(m));
    child.on('exit', (code, signal) => {
      if (code !== 0 && code !== 3 && stderr.trim()) cb.onMessage({ type: 'failed', message: stderr.trim().split('\n').slice(-5).join('\n') });
      cb.onExit(code, signal);
    });
    child.send(message);
    return {
      pid: child.pid ?? -1,
      stop: () => child.kill('SIGTERM'),
      kill: () => child.kill('SIGKILL'),
    };
  }
}
