/**
 * How a CLI command reaches the service. If a coordinator with a web API owns
 * the data folder, the command is its client; if the app owns it without one,
 * reads go to the database read-only and changes are refused with a message;
 * otherwise the command is the coordinator for its own duration.
 */
import { existsSync } from 'node:fs';
import type { Api, Subscribe } from '../../shared/api';
import { ImlabError } from '../../shared/errors';
import { createHttpApi } from '../../shared/httpApi';
import { dataHome } from '../core/home';
import { readLock } from '../core/queue/coordinatorLock';
import { startCoordinator, type Coordinator } from '../core/service';

export interface Connection {
  api: Api;
  /** Present when this process is the coordinator. */
  local?: Coordinator;
  subscribe?: Subscribe;
  /** How the command reached the service, for messages. */
  via: 'client' | 'coordinator' | 'read-only';
  close(): Promise<void>;
}

export type Access = 'read' | 'write' | 'run';

export async function connect(home: string | undefined, access: Access, appVersion: string): Promise<Connection> {
  const h = dataHome(home);
  const owner = readLock(h.lockPath);
  if (owner && owner.pid !== process.pid) {
    if (owner.url && owner.token) return { api: createHttpApi(owner.url, owner.token), via: 'client', close: async () => {} };
    if (access === 'read' && existsSync(h.dbPath)) {
      const c = await startCoordinator({ appVersion, home: h.root, readOnly: true });
      return { api: c.api, via: 'read-only', close: () => c.close() };
    }
    throw new ImlabError('invalid_input', `The Imitation Lab app (pid ${owner.pid}) owns ${h.root}; use the app for this, or quit it first.`, 'home');
  }
  const c = await startCoordinator({ appVersion, home: h.root, runQueue: access === 'run' });
  return { api: c.api, local: c, subscribe: c.subscribe, via: 'coordinator', close: () => c.close() };
}
