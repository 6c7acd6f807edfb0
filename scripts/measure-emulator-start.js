/**
 * How long `startEmulator()` of `@ddm-jobs/testing` takes, from the call to the resolved emulator
 * (listening, with its default tenant): RUNS starts one after another (5 by default), each
 * stopped before the next, then their median. It runs the built code: `npm run build` first.
 * On a machine busy with other work the figures grow: compare medians taken in the same minute.
 *
 *   node scripts/measure-emulator-start.js [RUNS]
 */
import { startEmulator } from '../packages/testing/dist/index.js';

const runs = Number(process.argv[2] ?? 5);
if (!Number.isInteger(runs) || runs < 1) {
  console.error('usage: node scripts/measure-emulator-start.js [RUNS]');
  process.exit(2);
}
/** @type {number[]} */
const times = [];
for (let run = 0; run < runs; run++) {
  const began = performance.now();
  const emu = await startEmulator({ clock: 'virtual' });
  times.push(performance.now() - began);
  await emu.stop();
}
const sorted = [...times].sort((a, b) => a - b);
const median = sorted[Math.floor((sorted.length - 1) / 2)] ?? Number.NaN;
console.log(
  `startEmulator(): ${times.map((ms) => ms.toFixed(0)).join(' / ')} ms; median ${median.toFixed(0)} ms`,
);
