/** Live loss and accuracy curves with uPlot (small, fast canvas charts; appending points is cheap). */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export class Curves {
  private readonly loss: uPlot;
  private readonly acc: uPlot;
  /** epoch, train loss, held-out loss */
  private l: [number[], (number | null)[], (number | null)[]] = [[], [], []];
  /** epoch, train accuracy, held-out accuracy */
  private a: [number[], (number | null)[], (number | null)[]] = [[], [], []];
  private dirty = false;

  constructor(lossBox: HTMLElement, accBox: HTMLElement) {
    const width = Math.min(520, lossBox.clientWidth || 520);
    const axes = (label: string): uPlot.Axis[] => [{ label: 'epoch' }, { label }];
    this.loss = new uPlot({
      width, height: 200, title: 'loss (cross-entropy)', axes: axes('loss'), scales: { x: { time: false } },
      series: [{ label: 'epoch' }, { label: 'train', stroke: '#3060c0', width: 1.5 }, { label: 'held-out', stroke: '#d04020', width: 2, spanGaps: true, points: { size: 5 } }],
    }, this.l as uPlot.AlignedData, lossBox);
    this.acc = new uPlot({
      width, height: 200, title: 'accuracy', axes: axes('accuracy'), scales: { x: { time: false }, y: { range: [0, 1] } },
      series: [{ label: 'epoch' }, { label: 'train', stroke: '#3060c0', width: 1.5 }, { label: 'held-out', stroke: '#d04020', width: 2, spanGaps: true, points: { size: 5 } }],
    }, this.a as uPlot.AlignedData, accBox);
    // Redraw at most four times a second: each redraw repaints every point, and at one per frame the
    // growing curves made the page's frames longer than 50 ms now and then while training.
    let last = 0;
    const frame = (now: number) => {
      if (this.dirty && now - last >= 250) {
        last = now;
        this.dirty = false;
        this.loss.setData(this.l as uPlot.AlignedData);
        this.acc.setData(this.a as uPlot.AlignedData);
      }
      requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
  }

  train(epoch: number, loss: number, acc: number): void {
    this.push(epoch, [loss, null], [acc, null]);
  }

  heldOut(epoch: number, loss: number, acc: number): void {
    this.push(epoch, [null, loss], [null, acc]);
  }

  private push(epoch: number, l: [number | null, number | null], a: [number | null, number | null]): void {
    this.l[0].push(epoch);
    this.l[1].push(l[0]);
    this.l[2].push(l[1]);
    this.a[0].push(epoch);
    this.a[1].push(a[0]);
    this.a[2].push(a[1]);
    this.dirty = true;
  }

  clear(): void {
    this.l = [[], [], []];
    this.a = [[], [], []];
    this.dirty = true;
  }
}
