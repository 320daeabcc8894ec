/** The two nets of tools/gen_inspect_golden.py, in neocog. */
import * as nn from '../../src/nn/index.js';
import { F, type Tensor } from '../../src/index.js';

/** The reference `net`: module ReLU `act` used twice, a functional relu in between, functional max-pools. */
export class Net extends nn.Module {
  conv1 = new nn.Conv2d(1, 4, 3);
  conv2 = new nn.Conv2d(4, 6, 3);
  fc1 = new nn.Linear(24, 16);
  fc2 = new nn.Linear(16, 5);
  act = new nn.ReLU();
  forward(x: Tensor): Tensor {
    let y = F.maxPool2d(this.act.call(this.conv1.call(x)), { kernelSize: 2 });
    y = F.maxPool2d(F.relu(this.conv2.call(y)), { kernelSize: 2 });
    return this.fc2.call(this.act.call(this.fc1.call(y.flatten(1))));
  }
}

export function seqNet(): nn.Sequential {
  return new nn.Sequential(new nn.Conv2d(1, 4, 3), new nn.BatchNorm2d(4), new nn.ReLU(), new nn.MaxPool2d(2), new nn.Conv2d(4, 4, 3), new nn.ReLU(), new nn.Flatten(), new nn.Linear(64, 5));
}

