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

export function openDatabase(path: string, o: OpenOptions = {}): Db {
  const db = new Database(path, { readonly: o.readonly ?? false, fileMustExist: o.readonly ?? false });
  try {
    db.pragma('busy_timeout = 5000');
    if (!o.readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
    }
    db.pragma('foreign_keys = ON');
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > SCHEMA_VERSION) {
      throw new ImlabError(
        'invalid_input',
        `The database ${path} was written by a newer Imitation Lab (schema ${version}; this version knows up to ${SCHEMA_VERSION}). Update the app; the database was not changed.`,
        'database',
      );
    }
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
