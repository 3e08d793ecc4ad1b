/**
 * Demo avatars drawn locally: a symmetric 5×5 "identicon" on a soft background, encoded as PNG with
 * node:zlib. No network and no image library, so a fresh clone can seed without either.
 */
import { createHash } from 'node:crypto'
import { deflateSync } from 'node:zlib'

const CRC_TABLE = (() => {
  const table = new Uint32Array(256)
  for (let n = 0; n < 256; n++) {
    let c = n
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    table[n] = c >>> 0
  }
  return table
})()

function crc32(buffer: Buffer): number {
  let crc = 0xffffffff
  for (const byte of buffer) crc = CRC_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8)
  return (crc ^ 0xffffffff) >>> 0
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4)
  length.writeUInt32BE(data.length)
  const typed = Buffer.concat([Buffer.from(type, 'ascii'), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(typed))
  return Buffer.concat([length, typed, crc])
}

export type Rgb = readonly [number, number, number]

/** Encodes 8-bit RGB pixels (`pixel(x, y)`) as a PNG file. */
export function encodePng(width: number, height: number, pixel: (x: number, y: number) => Rgb) {
  const stride = width * 3 + 1
  const raw = Buffer.alloc(stride * height)
  for (let y = 0; y < height; y++) {
    raw[y * stride] = 0 // filter: none
    for (let x = 0; x < width; x++) {
      const [r, g, b] = pixel(x, y)
      const offset = y * stride + 1 + x * 3
      raw[offset] = r
      raw[offset + 1] = g
      raw[offset + 2] = b
    }
  }
  const header = Buffer.alloc(13)
  header.writeUInt32BE(width, 0)
  header.writeUInt32BE(height, 4)
  header[8] = 8 // bit depth
  header[9] = 2 // colour type: RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ])
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
