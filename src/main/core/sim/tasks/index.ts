import type { EnvId } from '../../../../shared/envCatalog';
import type { Task } from '../task';
import { ant } from './ant';
import { humanoid, humanoidStandup } from './humanoid';
import { invertedPendulum } from './invertedPendulum';
import { halfCheetah, hopper, walker2d } from './planarLocomotion';

export const TASKS: Readonly<Record<EnvId, Task>> = {
  'InvertedPendulum-v5': invertedPendulum,
  'Hopper-v5': hopper,
  'Walker2d-v5': walker2d,
  'HalfCheetah-v5': halfCheetah,
  'Ant-v5': ant,
  'Humanoid-v5': humanoid,
  'HumanoidStandup-v5': humanoidStandup,
};
