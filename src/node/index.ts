/** The Node-only layer: files. `inspect` here is the browser-safe namespace plus report(). */
import * as browserInspect from '../inspect/index.js';
import { report } from './inspect-report.js';

export { report, writeRgbaPng, encodeRgbaPng, type ReportOptions } from './inspect-report.js';
export const inspect = { ...browserInspect, report };
