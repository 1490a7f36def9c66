import { envSpec } from '../../../shared/envCatalog';
import { ImlabError } from '../../../shared/errors';
import { GaussianPolicy, type PolicyFile } from '../learn/policy';
import { loadPolicyFile } from './storage';

/** Refuses a policy trained for another environment, before anything runs. */
export function checkPolicyFitsEnv(p: PolicyFile, envId: string, field = 'policy'): void {
  const spec = envSpec(envId);
  if (p.env !== spec.id || p.obsDim !== spec.obsDim || p.actDim !== spec.actDim) {
    throw new ImlabError(
      'invalid_input',
      `${field} was trained on ${p.env} (obs ${p.obsDim}, actions ${p.actDim}); ${spec.id} needs obs ${spec.obsDim}, actions ${spec.actDim}.`,
      field,
    );
  }
}

/** The saved policy at `ref` (a run folder or policy file), refused unless it fits the environment. */
export function loadPolicyForEnv(ref: string, envId: string): GaussianPolicy {
  const file = loadPolicyFile(ref);
  checkPolicyFitsEnv(file, envId);
  return GaussianPolicy.fromFile(file);
}
