import { ImlabError } from '../../../shared/errors';

/**
 * Refuses an action that would corrupt the simulation: wrong length, or a value
 * that is not a finite number. Checked before anything is written to MuJoCo.
 */
export function checkAction(action: ArrayLike<number>, actDim: number, envId: string, field = 'action'): void {
  if (action.length !== actDim) {
    throw new ImlabError(
      'invalid_action',
      `${field} must have ${actDim} numbers for ${envId}, got ${action.length}.`,
      field,
    );
  }
  checkFinite(action, 0, actDim, field);
}

export function checkFinite(values: ArrayLike<number>, offset: number, n: number, field: string): void {
  for (let i = 0; i < n; i++) {
    const x = values[offset + i];
    if (typeof x !== 'number' || !Number.isFinite(x)) {
      throw new ImlabError('invalid_action', `${field}[${offset + i}] is ${String(x)}; every entry must be a finite number.`, field);
    }
  }
}
