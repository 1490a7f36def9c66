import { readFileSync } from 'node:fs';
import { ImlabError } from '../../shared/errors';

/** Reads and parses a JSON file, with errors that name the file and option. */
export function readJsonFile(path: string, option: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const reason = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message;
    throw new ImlabError('invalid_input', `--${option} ${path}: ${reason}.`, option);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new ImlabError('invalid_input', `--${option} ${path} is not valid JSON: ${(e as Error).message}.`, option);
  }
}
