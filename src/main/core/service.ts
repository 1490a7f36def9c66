/**
 * The application behind the API contract. Shells (Electron, web, CLI) adapt
 * it to their transport; it never imports electron.
 */
import { availableParallelism } from 'node:os';
import type { Api, EnvSummary, SystemInfo } from '../../shared/api';
import { ENV_IDS, ENV_SPECS } from '../../shared/envCatalog';
import { loadMujocoModule } from './sim/mujoco';

export interface ServiceOptions {
  appVersion: string;
}

export function createService(options: ServiceOptions): Api {
  return {
    async listEnvs(): Promise<EnvSummary[]> {
      return ENV_IDS.map((id) => {
        const { obsDim, actDim, actLow, actHigh, frameSkip, dt, maxEpisodeSteps, description, rewardTerms } = ENV_SPECS[id];
        return { id, obsDim, actDim, actLow, actHigh, frameSkip, dt, maxEpisodeSteps, description, rewardTerms };
      });
    },
    async systemInfo(): Promise<SystemInfo> {
      const mj = await loadMujocoModule();
      return {
        appVersion: options.appVersion,
        mujocoVersion: mj.mj_versionString(),
        node: process.versions.node,
        platform: `${process.platform}-${process.arch}`,
        cpus: availableParallelism(),
      };
    },
  };
}
