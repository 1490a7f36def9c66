import { envSpec } from '../../../shared/envCatalog';
import { ImlabError } from '../../../shared/errors';
import type { PolicyFile } from '../learn/policy';

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
