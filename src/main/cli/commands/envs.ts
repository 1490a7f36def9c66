import { ENV_IDS, ENV_SPECS } from '../../../shared/envCatalog';
import { formatTable, type Output } from '../output';

export function envsCommand(out: Output): void {
  const envs = ENV_IDS.map((id) => {
    const s = ENV_SPECS[id];
    return {
      id: s.id,
      obsDim: s.obsDim,
      actDim: s.actDim,
      actLow: s.actLow,
      actHigh: s.actHigh,
      frameSkip: s.frameSkip,
      dt: s.dt,
      maxEpisodeSteps: s.maxEpisodeSteps,
    };
  });
  out.result(envs, () =>
    formatTable(
      ['id', 'obs', 'act', 'action box', 'frame skip', 'dt', 'max steps'],
      envs.map((e) => [e.id, e.obsDim, e.actDim, `[${e.actLow[0]}, ${e.actHigh[0]}]`, e.frameSkip, String(e.dt), e.maxEpisodeSteps]),
    ),
  );
}
