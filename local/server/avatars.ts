/**
 * Demo avatars drawn locally: a symmetric 5×5 "identicon" on a soft background, encoded as PNG by
 * pngjs. No network, so a fresh clone can seed without one.
 *
 * pngjs rather than a hand-written encoder over node:zlib: `zlib.crc32` (the PNG chunk checksum)
 * exists only from Node 20.15 / 22.2, and package.json's engines promise every Node 20; pngjs is
 * plain JavaScript (no native build, CommonJS for jest) and serves only this preview.
 */
import { createHash } from 'node:crypto'

import { PNG } from 'pngjs'

type Rgb = readonly [number, number, number]

/** Encodes 8-bit RGB pixels (`pixel(x, y)`) as a PNG file (colour type 2: RGB, no alpha). */
function encodePng(width: number, height: number, pixel: (x: number, y: number) => Rgb): Buffer {
  const png = new PNG({ width, height })
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [r, g, b] = pixel(x, y)
      const offset = (y * width + x) * 4
      png.data[offset] = r
      png.data[offset + 1] = g
      png.data[offset + 2] = b
      png.data[offset + 3] = 255
    }
  }
  return PNG.sync.write(png, { colorType: 2 })
}

function hslToRgb(hue: number, saturation: number, lightness: number): Rgb {
  const a = saturation * Math.min(lightness, 1 - lightness)
  const f = (n: number) => {
    const k = (n + hue / 30) % 12
    return Math.round(255 * (lightness - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))))
  }
  return [f(0), f(8), f(4)]
}

/** A 120×120 identicon for `seed`: the same seed always draws the same picture. */
export function identiconPng(seed: string, size = 120): Buffer {
  const hash = createHash('sha256').update(seed).digest()
  const hue = ((hash[0]! << 8) | hash[1]!) % 360
  const foreground = hslToRgb(hue, 0.55, 0.5)
  const background = hslToRgb(hue, 0.35, 0.93)
  // 5 columns mirrored from 3: 15 cells, one bit each.
  const cells: boolean[][] = []
  for (let row = 0; row < 5; row++) {
    const half = [0, 1, 2].map((col) => (hash[2 + row * 3 + col]! & 1) === 1)
    cells.push([half[0]!, half[1]!, half[2]!, half[1]!, half[0]!])
  }
  const margin = Math.round(size / 10)
  const cell = (size - 2 * margin) / 5
  return encodePng(size, size, (x, y) => {
    const col = Math.floor((x - margin) / cell)
    const row = Math.floor((y - margin) / cell)
    const inside = col >= 0 && col < 5 && row >= 0 && row < 5
    return inside && cells[row]![col] ? foreground : background
  })
}
