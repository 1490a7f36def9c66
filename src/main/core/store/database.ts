/**
 * Opens the run database: SQLite in WAL mode (readers never block the single
 * writer, a crash never corrupts committed data), foreign keys on, migrated to
 * this app's schema version — or refused, untouched, if it is newer.
 */
import Database from 'better-sqlite3';
import { ImlabError } from '../../../shared/errors';
import { MIGRATIONS, SCHEMA_VERSION } from './migrations';

export type Db = Database.Database;

export interface OpenOptions {
  readonly?: boolean;
}

/**
 * The compiled better-sqlite3 module to use instead of the one in
 * node_modules: the Electron app sets IMLAB_SQLITE_BINDING to a build for
 * Electron's ABI (scripts/electron-native.mjs).
 */
function nativeBinding(): string | undefined {
  return process.env.IMLAB_SQLITE_BINDING || undefined;
}

export function openDatabase(path: string, o: OpenOptions = {}): Db {
  const db = new Database(path, { readonly: o.readonly ?? false, fileMustExist: o.readonly ?? false, nativeBinding: nativeBinding() });
  try {
    db.pragma('busy_timeout = 5000');
    // Check the version before changing anything, so a newer database stays byte-identical.
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) {
      throw new ImlabError(
        'invalid_input',
        `The database ${path} was written by a newer Imitation Lab (schema ${version}; this version knows up to ${SCHEMA_VERSION}). Update the app; the database was not changed.`,
        'database',
      );
    }
    if (!o.readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
    }
    db.pragma('foreign_keys = ON');
    if (!o.readonly) migrate(db, version);
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}

function migrate(db: Db, from: number): void {
  for (const m of MIGRATIONS) {
    if (m.version <= from) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
}
