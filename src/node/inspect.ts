/** The Node entry's `inspect` namespace: the browser-safe one plus report(), which writes an HTML page to disk. */
export * from '../inspect/index.js';
export { report, type ReportOptions } from './inspect-report.js';
