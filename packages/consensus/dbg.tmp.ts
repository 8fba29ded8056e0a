import { loadSimScheme, runSimulation } from '@keel/consensus/sim';

const scheme = await loadSimScheme('blst');
const r = runSimulation({
  seed: 11,
  validators: 4,
  byzantine: 1,
  behaviours: ['silent'],
  views: 22,
  scheme,
  trace: (l) => {
    if (!l.includes('"vote"')) console.log(l);
  },
});
