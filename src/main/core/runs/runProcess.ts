/**
 * Entry point of a run's child process: receives its config from the
 * coordinator, runs it, and reports every progress event back over IPC.
 * SIGTERM (cancel, app quit) stops it after the current iteration with a
 * checkpoint; losing the coordinator stops it immediately. Either way the run
 * can resume.
 */
import { ImlabError } from '../../../shared/errors';
import { parseRef } from '../../../shared/refs';
import { loadMujocoModule } from '../sim/mujoco';
import type { Store } from '../store/store';
import { EXIT, type ChildMessage, type StartMessage } from './processProtocol';
import { RunInterrupted } from './runContext';
import { runJob } from './runJob';
import { loadDataset, RunDirectory } from './storage';

let lastSend: Promise<void> = Promise.resolve();

function send(m: ChildMessage): void {
  // After the coordinator is gone there is no one to tell.
  if (!process.connected) return;
  lastSend = new Promise((resolve) => process.send!(m, undefined, {}, () => resolve()));
}

async function main(start: StartMessage): Promise<number> {
  const controller = new AbortController();
  process.on('SIGTERM', () => controller.abort());
  // Without the coordinator nothing more can be recorded: stop at once, so no
  // checkpoint ever gets ahead of the stored metrics. The next coordinator
  // resumes from the last checkpoint and replays what was lost.
  process.on('disconnect', onCoordinatorLost);
  let store: Store | undefined;
  try {
    await runJob(start.config, {
      storage: new RunDirectory(start.dir),
      sink: { emit: (event) => send({ type: 'event', event }) },
      signal: controller.signal,
      resume: true,
      resumeAtMost: start.resumeAtMost,
      async loadDataset(ref, field) {
        const stored = parseRef(ref);
        if (stored?.kind !== 'dataset') return loadDataset(ref, field);
        // Loaded here, not at start: most runs never open the database, and its native module costs every process start.
        const { Store } = await import('../store/store');
        store ??= new Store(start.dbPath, { readonly: true });
        const d = store.loadDataset(stored.id);
        if (!d) throw new ImlabError('not_found', `${field}: dataset ${stored.id} does not exist.`, field);
        return d;
      },
    });
    return EXIT.succeeded;
  } catch (e) {
    if (e instanceof RunInterrupted) {
      send({ type: 'interrupted', iteration: e.iteration });
      return EXIT.interrupted;
    }
    send({ type: 'failed', message: e instanceof Error ? e.message : String(e) });
    return EXIT.failed;
  } finally {
    store?.close();
  }
}

function onCoordinatorLost(): void {
  process.exit(EXIT.interrupted);
}

process.once('message', (m: StartMessage) => {
  void main(m).then(async (code) => {
    // Exit as soon as the last report is written: waiting for the event loop
    // to drain on its own costs ~100 ms per run.
    await lastSend;
    process.off('disconnect', onCoordinatorLost);
    process.exit(code);
  });
});

// A process may be started ahead of its run (a warm spare): load MuJoCo now,
// while it waits for its start message.
void loadMujocoModule();
