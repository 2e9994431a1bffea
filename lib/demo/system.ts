import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { BrowserMissing, ensureBrowser, type BrowserSpec, type BrowserSystem } from './find-browser';

/** This machine, for find-browser. */
export function nodeSystem(): BrowserSystem {
  return {
    env: process.env,
    platform: process.platform,
    home: homedir(),
    uid: process.getuid?.(),
    exists: existsSync,
    list: (dir) => {
      try {
        return readdirSync(dir);
      } catch {
        return [];
      }
    },
    run: ([command, ...args]) => {
      const result = spawnSync(command!, args, { encoding: 'utf8', timeout: 30_000 });
      return { status: result.error ? null : result.status, stdout: result.stdout ?? '' };
    },
    runVisible: ([command, ...args]) => {
      const result = spawnSync(command!, args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
      return result.error ? null : result.status;
    },
    log: (line) => console.log(line),
  };
}

/**
 * The browser's path for a command-line entry (the demo, a test setup): when there is
 * none, the explanation is printed as one paragraph and the process ends, with no stack
 * trace for the user to read past.
 */
export function browserOrExit(spec: BrowserSpec): string {
  try {
    return ensureBrowser(spec, nodeSystem());
  } catch (error) {
    if (!(error instanceof BrowserMissing)) throw error;
    console.error(`\n${error.message}\n`);
    process.exit(1);
  }
}
