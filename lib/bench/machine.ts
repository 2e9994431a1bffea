import { execFileSync } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';
import { findChromium } from '../demo/browser';

export interface Machine {
  cores: number;
  cpu: string;
  memoryGiB: number;
  /** 1-minute load average when the bench started: other work sharing the cores. */
  loadAtStart: number;
  chromium: string;
  node: string;
  date: string;
}

export function describeMachine(): Machine {
  let chromium = 'unknown';
  try {
    chromium = execFileSync(findChromium(), ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    // Reported as unknown; the bench itself fails later with a clear message.
  }
  return {
    cores: cpus().length,
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    loadAtStart: Number(loadavg()[0]!.toFixed(2)),
    chromium,
    node: process.version,
    date: new Date().toISOString(),
  };
}
