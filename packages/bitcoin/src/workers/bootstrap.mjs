// Worker entry: registers tsx in this thread so the TypeScript worker module can load
// (Node 20 cannot run .ts itself; there is no build step).
import { register } from 'tsx/esm/api';

register();
await import('./scriptWorker.ts');
