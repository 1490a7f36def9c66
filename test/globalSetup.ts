import { ensureAppBuilt } from '../src/main/appBuild';

/** Build the app once before any test, so no test races a build that another one started. */
export default function setup(): void {
  ensureAppBuilt((line) => console.log(line));
}
