/**
 * A screenshot of the replay page for the README: `imlab serve` on a data
 * folder (e.g. one bench/replayDemo.ts made), Debian's Chromium with software
 * WebGL, full resolution and shadows on (the look a GPU gives by default),
 * the trajectories side by side at one frame, light theme.
 *
 *   tsx bench/replayShot.ts --home DIR --traj 26,28,27 [--frame 240] [--out docs/screenshots/replay-hopper-side-by-side.png]
 */
import { parseArgs } from 'node:util';
import { ensureAppBuilt } from '../src/main/appBuild';
import { launchChromium, startServe } from '../test/helpers/serve';

const { values } = parseArgs({
  options: {
    home: { type: 'string' },
    traj: { type: 'string' },
    frame: { type: 'string', default: '240' },
    out: { type: 'string', default: 'docs/screenshots/replay-hopper-side-by-side.png' },
  },
});
if (!values.home || !values.traj) throw new Error('give --home and --traj');

ensureAppBuilt();
const serve = await startServe(values.home);
const browser = await launchChromium();
try {
  const page = await browser.newPage({ viewport: { width: 1500, height: 1000 }, colorScheme: 'light' });
  await page.goto(serve.url);
  await page.goto(`${new URL(serve.url).origin}/#/replay?traj=${values.traj}`);
  await page.locator('[data-testid=replay-canvas][data-drawn="1"]').waitFor({ timeout: 300_000 });
  for (const id of ['sharp', 'shadows']) await page.getByTestId(id).check();
  await page.getByTestId('scrub').fill(values.frame);
  // Shadow programs compile on the next frame; give software GL time to draw it.
  await page.waitForTimeout(3000);
  await page.screenshot({ path: values.out });
  console.log(values.out);
} finally {
  await browser.close();
  serve.stop();
}
