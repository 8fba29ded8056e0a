import { loadSimScheme, runSimulation } from '@keel/consensus/sim';

const scheme = await loadSimScheme('blst');
const cases: any[] = [
  { seed: 11, validators: 4, byzantine: 1, behaviours: ['forgeQC'], views: 30 },
  { seed: 11, validators: 4, byzantine: 1, behaviours: ['silent'], views: 30 },
  {
    seed: 3,
    validators: 7,
    views: 40,
    crashLeaders: { untilMs: 6000, downMs: 2000 },
    election: 'round-robin',
  },
  {
    seed: 9,
    validators: 4,
    stakes: [34, 22, 22, 22],
    views: 40,
    crashes: [{ node: 0, atMs: 2000, restartAtMs: 12000 }],
    election: 'round-robin',
  },
];
for (const c of cases) {
  const r = runSimulation({ ...c, scheme });
  console.log(
    JSON.stringify({
      ...r,
      viewsToCommit: r.viewsToCommit.join(','),
      firstCommitAtMs: r.firstCommitAtMs.join(','),
    }),
  );
}
