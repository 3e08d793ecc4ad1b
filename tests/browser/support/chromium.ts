/**
 * The browser of the browser tests, all of it from `npm ci`: the Chromium build shipped inside
 * `@sparticuz/chromium` with Noto Sans SC from `@embedpdf/fonts-sc` as its font, under
 * playwright-core. Nothing is downloaded or installed by hand, each launch gets a fresh profile,
 * and no request leaves 127.0.0.1 (host resolver rules plus a route filter).
 */
import { randomBytes } from 'node:crypto'
import {
  createReadStream,
  createWriteStream,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { basename, dirname, join, normalize, sep } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { brotliDecompressSync, createBrotliDecompress } from 'node:zlib'

import { type Browser, type BrowserContext, chromium } from 'playwright-core'

/** Where `@sparticuz/chromium` keeps its brotli files (`chromium.br`, `*.tar.br`). */
const PACKAGE_DIR = join(dirname(require.resolve('@sparticuz/chromium')), '..', '..')
const PACKAGE_VERSION = (
  JSON.parse(readFileSync(join(PACKAGE_DIR, 'package.json'), 'utf8')) as { version: string }
).version
/** Noto Sans SC (the OTFs `NotoSansHans-*.otf`, family "Noto Sans S Chinese"). */
export const CJK_FONT_DIR = join(dirname(require.resolve('@embedpdf/fonts-sc')), '..', 'fonts')
/** Next to the packages, so several checkouts never share (or race on) one unpacked browser. */
const CACHE_DIR = join(PACKAGE_DIR, '..', '..', '.cache', 'sparticuz-chromium', PACKAGE_VERSION)

export interface BundledChromium {
  executablePath: string
  /** NSS, NSPR and expat built with the browser (from `al2023.tar.br`): only glibc is the OS's. */
  libDir: string
  /** Open Sans, the package's own Latin-only font: the control of the glyph check. */
  latinFontDir: string
}

/**
 * Unpacks the browser into the cache once. Jest runs test files in parallel workers: each worker
 * unpacks into its own temporary folder and renames it into place, so the cache folder either does
 * not exist or is complete, and a worker that loses the race uses the winner's copy.
 */
export async function bundledChromium(): Promise<BundledChromium> {
  const unpacked: BundledChromium = {
    executablePath: join(CACHE_DIR, 'chromium'),
    libDir: join(CACHE_DIR, 'lib'),
    latinFontDir: join(CACHE_DIR, 'fonts', 'Open_Sans'),
  }
  removeAbandonedUnpacks()
  if (existsSync(CACHE_DIR)) return unpacked
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(
      `@sparticuz/chromium has a Linux x86-64 build only, not ${process.platform}-${process.arch}`,
    )
  }
  const bin = join(PACKAGE_DIR, 'bin')
  const temp = `${CACHE_DIR}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`
  mkdirSync(temp, { recursive: true })
  try {
    await pipeline(
      createReadStream(join(bin, 'chromium.br')),
      createBrotliDecompress(),
      createWriteStream(join(temp, 'chromium'), { mode: 0o755 }),
    )
    // SwiftShader (libEGL, libGLESv2, Vulkan) must sit next to the binary: Chromium loads its GL
    // from its own folder and crashes at start ("Failed to load GLES library") without it.
    extractTar(join(bin, 'swiftshader.tar.br'), temp)
    extractTar(join(bin, 'al2023.tar.br'), temp)
    extractTar(join(bin, 'fonts.tar.br'), temp)
    renameSync(temp, CACHE_DIR)
  } catch (error) {
    rmSync(temp, { recursive: true, force: true })
    // Another worker renamed its complete copy into place first.
    if (existsSync(CACHE_DIR)) return unpacked
    throw error
  }
  return unpacked
}

/** Removes the temporary folders of workers that died while unpacking (their process is gone). */
function removeAbandonedUnpacks(): void {
  const parent = dirname(CACHE_DIR)
  const prefix = `${basename(CACHE_DIR)}.tmp-`
  if (!existsSync(parent)) return
  for (const name of readdirSync(parent)) {
    if (!name.startsWith(prefix)) continue
    const pid = Number(name.slice(prefix.length).split('-')[0])
    if (!processExists(pid)) rmSync(join(parent, name), { recursive: true, force: true })
  }
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * Extracts a brotli-compressed ustar archive of regular files and folders, the only entries the
 * package's archives hold (anything else is refused rather than skipped).
 */
function extractTar(file: string, into: string): void {
  const tar = brotliDecompressSync(readFileSync(file))
  const field = (header: Buffer, start: number, length: number) =>
    header
      .subarray(start, start + length)
      .toString('utf8')
      .replace(/\0.*$/s, '')
  for (let offset = 0; offset + 512 <= tar.length; ) {
    const header = tar.subarray(offset, offset + 512)
    if (header.every((byte) => byte === 0)) break
    const prefix = field(header, 345, 155)
    const name = (prefix ? `${prefix}/` : '') + field(header, 0, 100)
    const size = parseInt(field(header, 124, 12).trim() || '0', 8)
    const mode = parseInt(field(header, 100, 8).trim() || '644', 8)
    const type = field(header, 156, 1) || '0'
    const target = normalize(join(into, name))
    if (!target.startsWith(into + sep)) throw new Error(`${file}: entry ${name} leaves the folder`)
    const body = tar.subarray(offset + 512, offset + 512 + size)
    if (type === '5') mkdirSync(target, { recursive: true })
    else if (type === '0') {
      mkdirSync(dirname(target), { recursive: true })
      writeFileSync(target, body, { mode })
    } else throw new Error(`${file}: entry ${name} has tar type ${type}, not a file or folder`)
    offset += 512 + Math.ceil(size / 512) * 512
  }
}

/**
 * A fontconfig file listing only `fontDirs`, so the glyphs on screen come from the fonts we ship
 * and never from whatever the machine has installed. The bundled Chromium links fontconfig
 * statically and reads FONTCONFIG_FILE like any fontconfig client
 * (https://www.freedesktop.org/software/fontconfig/fontconfig-user.html, "Environment variables").
 */
function writeFontConfig(name: string, fontDirs: string[]): string {
  const xml = (text: string) =>
    text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
  const config = [
    '<?xml version="1.0"?>',
    '<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">',
    '<fontconfig>',
    ...fontDirs.map((dir) => `  <dir>${xml(dir)}</dir>`),
    `  <cachedir>${xml(join(CACHE_DIR, 'fontconfig-cache'))}</cachedir>`,
    '</fontconfig>',
    '',
  ].join('\n')
  // The paths depend on where the checkout is, so the file is rewritten each launch (atomically:
  // a parallel worker may be reading it).
  const path = join(CACHE_DIR, name)
  const temp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`
  writeFileSync(temp, config)
  renameSync(temp, path)
  return path
}

export interface LaunchOptions {
  /**
   * `false` gives the browser only the package's Latin font: Chinese then has no glyphs. Only the
   * control of the font check uses it.
   */
  cjkFont?: boolean
}

export async function launchChromium({ cjkFont = true }: LaunchOptions = {}): Promise<Browser> {
  const bundled = await bundledChromium()
  // Another Linux Chromium build to run the same tests with (same fonts), e.g. to compare versions.
  const override = process.env.CHROMIUM_PATH
  if (override && !existsSync(override)) throw new Error(`CHROMIUM_PATH ${override} does not exist`)
  const fontConfig = cjkFont
    ? writeFontConfig('fonts-cjk.conf', [CJK_FONT_DIR])
    : writeFontConfig('fonts-latin.conf', [bundled.latinFontDir])
  // The bundled libraries match the bundled binary only; another build keeps the machine's.
  const env: Record<string, string | undefined> = { ...process.env, FONTCONFIG_FILE: fontConfig }
  if (!override)
    env.LD_LIBRARY_PATH = [bundled.libDir, env.LD_LIBRARY_PATH].filter(Boolean).join(':')
  // launch() gives each browser a fresh temporary user-data-dir.
  return chromium.launch({
    executablePath: override ?? bundled.executablePath,
    headless: true,
    env,
    args: [
      '--no-sandbox',
      '--no-zygote',
      // Software GL (the SwiftShader libraries unpacked next to the binary), as the package sets
      // it up: https://chromium.googlesource.com/chromium/src/+/main/docs/gpu/swiftshader.md
      '--use-gl=angle',
      '--use-angle=swiftshader',
      '--enable-unsafe-swiftshader',
      '--in-process-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
    ],
  })
}

/** A context (one "device") whose requests may only reach 127.0.0.1. */
export async function isolatedContext(
  browser: Browser,
  viewport: { width: number; height: number } = { width: 1400, height: 900 },
): Promise<BrowserContext> {
  const context = await browser.newContext({
    viewport,
    serviceWorkers: 'block',
  })
  await context.route('**/*', (route) => {
    const { hostname, protocol } = new URL(route.request().url())
    const local = hostname === '127.0.0.1' || protocol === 'data:' || protocol === 'blob:'
    return local ? route.continue() : route.abort('blockedbyclient')
  })
  return context
}
