/**
 * JPEG structure checks run before jpeg-js decodes (it turns a file with no scan data into flat grey
 * and reports corrupt data as its own TypeErrors). Markers must parse with in-bounds lengths, one
 * supported frame header (baseline, extended or progressive; 8-bit; 1-4 components; non-zero size)
 * before any scan, quantisation and Huffman tables before the first scan, every scan must carry
 * entropy-coded data, and the file must reach its EOI. The decoded size is capped from the frame
 * header before anything is decoded.
 */
import { checkDecodedSize } from './limits.js';
import { NeocogError } from '../ops/validate.js';

export interface JpegFrame {
  width: number;
  height: number;
  components: number;
}

const SOF = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);
const SUPPORTED_SOF = new Set([0xc0, 0xc1, 0xc2]);

export function checkJpeg(b: Uint8Array, name: string): JpegFrame {
  const bad = (m: string): never => { throw new NeocogError(name, `invalid JPEG: ${m}`); };
  if (b.length < 4 || b[0] !== 0xff || b[1] !== 0xd8) bad('no SOI marker');
  let pos = 2;
  let frame: JpegFrame | null = null;
  let dqt = false;
  let dht = false;
  let scans = 0;
  for (;;) {
    if (pos >= b.length) bad(`truncated: no EOI marker (${scans} scan${scans === 1 ? '' : 's'} read)`);
    if (b[pos] !== 0xff) bad(`expected a marker at byte ${pos}, got 0x${b[pos].toString(16)}`);
    while (pos < b.length && b[pos] === 0xff) pos++;
    if (pos >= b.length) bad('truncated inside a marker');
    const m = b[pos++];
    if (m === 0xd9) break;
    if (m === 0xd8) bad('second SOI marker');
    if (m === 0x00 || m === 0x01 || (m >= 0xd0 && m <= 0xd7)) bad(`marker 0x${m.toString(16)} outside a scan at byte ${pos - 1}`);
    if (pos + 2 > b.length) bad('truncated segment length');
    const len = (b[pos] << 8) | b[pos + 1];
    if (len < 2 || pos + len > b.length) bad(`segment 0xff${m.toString(16)} at byte ${pos - 2} has length ${len}, past the end of the file`);
    const seg = b.subarray(pos + 2, pos + len);
    if (SOF.has(m)) {
      if (frame) bad('more than one frame header');
      if (!SUPPORTED_SOF.has(m)) bad(`unsupported coding (SOF 0x${m.toString(16)}: lossless, hierarchical or arithmetic)`);
      if (seg.length < 6) bad('short frame header');
      const [precision, height, width, nc] = [seg[0], (seg[1] << 8) | seg[2], (seg[3] << 8) | seg[4], seg[5]];
      if (precision !== 8) bad(`${precision}-bit samples are not supported`);
      if (width === 0 || height === 0) bad(`frame size ${width}x${height} (a zero height needs DNL, which is not supported)`);
      if (nc < 1 || nc > 4 || seg.length !== 6 + 3 * nc) bad(`frame header with ${nc} components and length ${len}`);
      checkDecodedSize(name, `a ${width}x${height} JPEG`, width * height * 4);
      frame = { width, height, components: nc };
    } else if (m === 0xdb) {
      dqt = true;
    } else if (m === 0xc4) {
      dht = true;
    } else if (m === 0xda) {
      if (!frame) bad('scan before the frame header');
      if (!dqt || !dht) bad(`scan without ${dqt ? 'Huffman' : 'quantisation'} tables`);
      const ns = seg[0];
      if (ns < 1 || ns > 4 || seg.length !== 4 + 2 * ns) bad(`scan header with ${ns} components and length ${len}`);
      pos += len;
      // Entropy-coded data runs to the next marker that is neither a stuffed 0xff00 nor a restart.
      const start = pos;
      while (pos + 1 < b.length && !(b[pos] === 0xff && b[pos + 1] !== 0x00 && !(b[pos + 1] >= 0xd0 && b[pos + 1] <= 0xd7) && b[pos + 1] !== 0xff)) pos++;
      if (pos + 1 >= b.length) bad('truncated scan data (no EOI marker)');
      if (pos === start) bad('a scan with no image data');
      scans++;
      continue;
    }
    pos += len;
  }
  if (!frame) bad('no frame header');
  if (scans === 0) bad('no scan data');
  return frame!;
}
