/**
 * Finding a browser for the demo and the tests, and installing one when the machine has
 * none: the README's two commands must work on a fresh Debian or Ubuntu machine with
 * nothing done by hand. Every effect (files, processes, environment) is passed in, so each
 * branch is unit-tested without touching the machine.
 */

/** What finding a browser needs from the machine. */
export interface BrowserSystem {
  env: Record<string, string | undefined>;
  platform: string;
  home: string;
  /** The user id; undefined where there is none (Windows). */
  uid: number | undefined;
  exists(path: string): boolean;
  /** A folder's entries; [] when it is missing. */
  list(dir: string): string[];
  /** Runs a command quietly: its exit status (null when it could not start) and output. */
  run(argv: string[]): { status: number | null; stdout: string };
  /** Runs a command with its output shown to the user: its exit status. */
  runVisible(argv: string[]): number | null;
  log(line: string): void;
}

/** A kind of browser: where it may already be, and which Debian package brings it. */
export interface BrowserSpec {
  name: string;
  /** The variable that names the binary explicitly, e.g. CHROMIUM_PATH. */
  envVar: string;
  aptPackage: string;
  /** Paths to try in order, for this machine (they may not exist). */
  candidates(sys: BrowserSystem): string[];
  /** Why this binary cannot be used (too old, ignores the extension), or null when it can. */
  unusable(path: string, sys: BrowserSystem): string | null;
  /** The advice at the end of the message when nothing could be found or installed. */
  advice: string;
}

export type Lookup =
  | { kind: 'found'; path: string }
  /** The variable names a binary that does not exist or cannot be used: never second-guessed. */
  | { kind: 'bad-variable'; message: string }
  | { kind: 'missing'; notes: string[] };

/** Thrown when there is no usable browser; its message is the whole explanation for the user. */
export class BrowserMissing extends Error {
  override name = 'BrowserMissing';
}

/** Looks for a usable binary: the variable first, then the places a package manager or Playwright puts one. */
export function locateBrowser(spec: BrowserSpec, sys: BrowserSystem): Lookup {
  const explicit = sys.env[spec.envVar];
  if (explicit) {
    if (!sys.exists(explicit)) return { kind: 'bad-variable', message: `${spec.envVar} is set to ${explicit}, which does not exist. Point it at a ${spec.name} binary, or unset it to let the project find or install one.` };
    const reason = spec.unusable(explicit, sys);
    return reason ? { kind: 'bad-variable', message: `${spec.envVar} is set to ${explicit}, which cannot be used: ${reason}` } : { kind: 'found', path: explicit };
  }
  const notes: string[] = [];
  for (const path of spec.candidates(sys)) {
    if (!sys.exists(path)) continue;
    const reason = spec.unusable(path, sys);
    if (!reason) return { kind: 'found', path };
    notes.push(`${path} was found but is not used: ${reason}`);
  }
  return { kind: 'missing', notes };
}

/** How this machine can install a Debian package without a password: as root, or with `sudo -n`. */
export function aptPrefix(sys: BrowserSystem): string[] | null {
  if (sys.platform !== 'linux' || !sys.exists('/usr/bin/apt-get')) return null;
  if (sys.uid === 0) return [];
  if (sys.exists('/usr/bin/sudo') && sys.run(['sudo', '-n', 'true']).status === 0) return ['sudo', '-n'];
  return null;
}

/**
 * A usable browser's path: found, or installed with apt-get when this machine allows it
 * (saying so first), or a BrowserMissing whose message says exactly what to install.
 */
export function ensureBrowser(spec: BrowserSpec, sys: BrowserSystem): string {
  const first = locateBrowser(spec, sys);
  if (first.kind === 'found') return first.path;
  if (first.kind === 'bad-variable') throw new BrowserMissing(first.message);

  const prefix = aptPrefix(sys);
  if (prefix) {
    const install = [...prefix, 'apt-get', 'install', '-y', spec.aptPackage];
    sys.log(`${spec.name} was not found: installing Debian's ${spec.aptPackage} package with \`${install.join(' ')}\` (a minute or two)…`);
    // A fresh machine has no package lists yet; the install fails without them.
    if (sys.runVisible([...prefix, 'apt-get', 'update']) === 0 && sys.runVisible(install) === 0) {
      const second = locateBrowser(spec, sys);
      if (second.kind === 'found') return second.path;
    }
    first.notes.push(`\`${install.join(' ')}\` did not give a usable ${spec.name}`);
  }
  const why = first.notes.length ? ` (${first.notes.join('; ')})` : '';
  throw new BrowserMissing(`${spec.name} was not found on this machine${why}. ${spec.advice} Then run the command again.`);
}
