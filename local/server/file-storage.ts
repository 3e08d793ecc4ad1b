/**
 * Local stand-in of cloud storage for avatars: uploads are checked (declared type must match the
 * bytes, size-limited), stored under `<data>/files/avatars/`, and served at `/files/avatars/…`.
 *
 * SVG is refused on purpose: served from the app's own origin, an SVG opened directly would run
 * its scripts there.
 */
import { randomBytes } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/** URL prefix of stored files. The backend's avatar rule accepts exactly this prefix. */
export const FILES_URL_PREFIX = '/files/'
export const MAX_UPLOAD_BYTES = 2 * 1024 * 1024

interface ImageType {
  extension: string
  matches(bytes: Buffer): boolean
}

const IMAGE_TYPES: Record<string, ImageType> = {
  'image/png': {
    extension: 'png',
    matches: (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 13, 10, 26, 10])),
  },
  'image/jpeg': {
    extension: 'jpg',
    matches: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
  },
  'image/webp': {
    extension: 'webp',
    matches: (b) =>
      b.subarray(0, 4).toString('latin1') === 'RIFF' &&
      b.subarray(8, 12).toString('latin1') === 'WEBP',
  },
  'image/gif': {
    extension: 'gif',
    matches: (b) => b.subarray(0, 4).toString('latin1') === 'GIF8',
  },
}

export type StoreFileResult =
  | { ok: true; url: string; bytes: number }
  | { ok: false; status: 400 | 413 | 415; message: string }

export interface FileStorage {
  readonly root: string
  /** Checks and stores an image; `contentType` is what the client declared. */
  storeImage(contentType: string | undefined, bytes: Buffer): StoreFileResult
}

export function createFileStorage(root: string): FileStorage {
  return {
    root,
    storeImage(contentType, bytes) {
      const declared = (contentType ?? '').split(';')[0]!.trim().toLowerCase()
      const type = IMAGE_TYPES[declared]
      if (!type) {
        return {
          ok: false,
          status: 415,
          message: `only ${Object.keys(IMAGE_TYPES).join(', ')} are accepted`,
        }
      }
      if (bytes.length === 0) return { ok: false, status: 400, message: 'the file is empty' }
      if (bytes.length > MAX_UPLOAD_BYTES) {
        return { ok: false, status: 413, message: `files are limited to ${MAX_UPLOAD_BYTES} bytes` }
      }
      if (!type.matches(bytes)) {
        return { ok: false, status: 415, message: `the bytes are not ${declared}` }
      }
      const folder = join(root, 'avatars')
      mkdirSync(folder, { recursive: true })
      const name = `${randomBytes(12).toString('base64url')}.${type.extension}`
      writeFileSync(join(folder, name), bytes)
      return { ok: true, url: `${FILES_URL_PREFIX}avatars/${name}`, bytes: bytes.length }
    },
  }
}
