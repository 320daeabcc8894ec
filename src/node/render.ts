/** The Node entry's `render` namespace: the browser-safe one plus PNG encoding and atomic PNG files. */
export * from '../render/index.js';
export { writeRgbaPng, encodeRgbaPng } from './inspect-report.js';
