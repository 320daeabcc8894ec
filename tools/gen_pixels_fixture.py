#!/usr/bin/env python3
"""Fixture for neocog's fromPixels (src/browser/pixels.ts): what Pillow + torchvision give.

A seeded random 7x5 RGBA image (plus the corner cases 0 and 255 in every channel) is converted with
Pillow's Image.convert('L') / convert('RGB') and torchvision.transforms.functional.to_tensor, and
written with the raw RGBA bytes to test/io/fixtures/pixels.json. test/io/browser-io.test.ts checks
fromPixels(ImageData-like, { channels: 1 | 3 | 4 }) against it value for value.

Requires Debian's python3-pil, python3-numpy, python3-torchvision; use /usr/bin/python3.
Regenerate (from the repository root): /usr/bin/python3 tools/gen_pixels_fixture.py
"""
import json
import numpy as np
from PIL import Image
from torchvision.transforms.functional import to_tensor

rng = np.random.default_rng(12)
h, w = 7, 5
rgba = rng.integers(0, 256, size=(h, w, 4), dtype=np.uint8)
rgba[0, 0] = [0, 0, 0, 0]
rgba[0, 1] = [255, 255, 255, 255]
rgba[0, 2] = [255, 0, 0, 128]
rgba[0, 3] = [0, 255, 0, 1]
rgba[0, 4] = [0, 0, 255, 254]
img = Image.fromarray(rgba, 'RGBA')
out = {
    'width': w, 'height': h,
    'rgba': rgba.reshape(-1).tolist(),
    'L': to_tensor(img.convert('L')).reshape(-1).tolist(),
    'RGB': to_tensor(img.convert('RGB')).reshape(-1).tolist(),
    'RGBA': to_tensor(img).reshape(-1).tolist(),
}
with open('test/io/fixtures/pixels.json', 'w') as f:
    json.dump(out, f)
print('wrote test/io/fixtures/pixels.json')
