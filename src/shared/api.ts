/**
 * The one API contract between the app's backend (src/main/core/service.ts)
 * and its front ends. Every shell (Electron IPC, HTTP, CLI) implements exactly
 * these methods; the renderer sees nothing else.
 */
import type { EnvSpec } from './envCatalog';

export type EnvSummary = Pick<
  EnvSpec,
  'id' | 'obsDim' | 'actDim' | 'actLow' | 'actHigh' | 'frameSkip' | 'dt' | 'maxEpisodeSteps' | 'description' | 'rewardTerms'
>;

export interface SystemInfo {
  appVersion: string;
  mujocoVersion: string;
  node: string;
  platform: string;
  cpus: number;
}

export interface Api {
  listEnvs(): Promise<EnvSummary[]>;
  systemInfo(): Promise<SystemInfo>;
}

export type ApiMethod = keyof Api;

export const API_METHODS = ['listEnvs', 'systemInfo'] as const satisfies readonly ApiMethod[];

/** The Electron IPC channel of a method; the only place channel names are made. */
export function ipcChannel(method: ApiMethod): string {
  return `imlab:${method}`;
}
