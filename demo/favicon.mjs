// The demo's favicon, drawn here when the server starts instead of committed as a binary: a
// 32×32 ICO (one 32-bit BMP image) showing a white keyhole on the header's navy, 4.3 KB.

const SIZE = 32;
const NAVY = [0x15, 0x23, 0x3d];
const WHITE = [0xff, 0xff, 0xff];

/** Coverage of the shapes at a point: 0 outside, 1 the background square, 2 the keyhole. */
function shapeAt(x, y) {
  const r = 7; // corner radius of the square
  const cx = Math.min(Math.max(x, r), SIZE - r);
  const cy = Math.min(Math.max(y, r), SIZE - r);
  if ((x - cx) ** 2 + (y - cy) ** 2 > r * r) return 0;
  if ((x - 16) ** 2 + (y - 12.5) ** 2 <= 5.2 ** 2) return 2;
  const half = 2.2 + ((y - 15) / 10) * 1.6; // a stem widening downwards
  if (y >= 15 && y <= 25 && Math.abs(x - 16) <= half) return 2;
  return 1;
}

/** RGBA of the pixel at (px, py), from 4×4 samples for smooth edges. */
function pixel(px, py) {
  let bg = 0;
  let key = 0;
  for (let i = 0; i < 4; i++) {
    for (let j = 0; j < 4; j++) {
      const shape = shapeAt(px + (i + 0.5) / 4, py + (j + 0.5) / 4);
      if (shape === 1) bg++;
      if (shape === 2) key++;
    }
  }
  const covered = bg + key;
  if (!covered) return [0, 0, 0, 0];
  const mix = (c) => Math.round((NAVY[c] * bg + WHITE[c] * key) / covered);
  return [mix(0), mix(1), mix(2), Math.round((covered / 16) * 255)];
}

/** The ICO file: ICONDIR, one ICONDIRENTRY, then a BITMAPINFOHEADER, BGRA rows bottom-up, an empty AND mask. */
export function createFavicon() {
  const pixels = SIZE * SIZE * 4;
  const mask = SIZE * 4 * (Math.ceil(SIZE / 32)); // 1 bit per pixel, rows padded to 32 bits
  const image = 40 + pixels + mask;
  const file = Buffer.alloc(6 + 16 + image);
  file.writeUInt16LE(1, 2); // type: icon
  file.writeUInt16LE(1, 4); // one image
  file.writeUInt8(SIZE, 6);
  file.writeUInt8(SIZE, 7);
  file.writeUInt16LE(1, 10); // planes
  file.writeUInt16LE(32, 12); // bits per pixel
  file.writeUInt32LE(image, 14);
  file.writeUInt32LE(22, 18); // offset of the image
  file.writeUInt32LE(40, 22); // BITMAPINFOHEADER size
  file.writeInt32LE(SIZE, 26);
  file.writeInt32LE(SIZE * 2, 30); // an ICO's height counts the image and its mask
  file.writeUInt16LE(1, 34);
  file.writeUInt16LE(32, 36);
  file.writeUInt32LE(pixels + mask, 42);
  let at = 62;
  for (let y = SIZE - 1; y >= 0; y--) {
    for (let x = 0; x < SIZE; x++) {
      const [r, g, b, a] = pixel(x, y);
      file[at++] = b;
      file[at++] = g;
      file[at++] = r;
      file[at++] = a;
    }
  }
  return file;
}
