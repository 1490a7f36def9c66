/**
 * The renderer's only way to the backend: the Api contract, provided by the
 * Electron preload. (The web shell adds an HTTP implementation of the same
 * interface.)
 */
import type { Api } from '../../shared/api';

export function connectApi(): Api {
  if (window.imlab) return window.imlab;
  throw new Error('No backend: open Imitation Lab through the app (npm start).');
}
