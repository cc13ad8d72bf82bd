import { fileURLToPath } from 'node:url';

/** `bench/results/` in the source tree (this file runs from `bench/dist/bench/report/`). */
export const RESULTS_DIR = fileURLToPath(new URL('../../../results/', import.meta.url));
