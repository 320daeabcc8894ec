import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** The shared datasets: ../shared/datasets beside the clone (CI), else /work/shared/datasets, or NEOCOG_DATASETS. */
export function datasetsDir(): string {
  const candidates = [process.env.NEOCOG_DATASETS, join(process.cwd(), '..', 'shared', 'datasets'), '/work/shared/datasets'].filter((d): d is string => !!d);
  const found = candidates.find((d) => existsSync(join(d, 'drive')));
  if (!found) throw new Error(`real datasets not found in ${candidates.join(', ')} (set NEOCOG_DATASETS)`);
  return found;
}
