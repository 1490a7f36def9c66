/** The Slurm placement of a run in words, as the Run page and the runs table's status tooltip show it. */
import { describe, expect, it } from 'vitest';
import { placementText } from '../../src/shared/executors';

describe('placementText', () => {
  it("says the job, Slurm's state with its reason or node, and the jobs the run was submitted again after", () => {
    expect(placementText({ kind: 'slurm', jobId: '812', state: 'PENDING', reason: 'Priority', node: null })).toBe('Slurm job 812: PENDING (Priority)');
    expect(placementText({ kind: 'slurm', jobId: '812', state: 'RUNNING', reason: null, node: 'c12' })).toBe('Slurm job 812: RUNNING on c12');
    expect(placementText({ kind: 'slurm', jobId: '812', state: 'TIMEOUT', reason: 'TimeLimit', node: 'c12' })).toBe('Slurm job 812: TIMEOUT (TimeLimit)');
    expect(
      placementText({
        kind: 'slurm',
        jobId: '814',
        state: 'COMPLETED',
        reason: null,
        node: 'c3',
        resubmitted: [
          { jobId: '812', state: 'NODE_FAIL', reason: 'Slurm lost job 812: its node c12 failed' },
          { jobId: '813', state: 'PREEMPTED', reason: 'Slurm preempted job 813' },
        ],
      }),
    ).toBe('Slurm job 814: COMPLETED on c3; submitted again after job 812 NODE_FAIL, 813 PREEMPTED');
  });

  it('is nothing for local runs', () => {
    expect(placementText({ kind: 'local' })).toBeNull();
    expect(placementText(null)).toBeNull();
  });
});
