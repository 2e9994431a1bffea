#!/usr/bin/env node
import { collectorMain } from '../collector/main';
import { verifyMain, VERIFY_USAGE } from '../verify/main';
import { USAGE as COLLECTOR_USAGE } from '../collector/cli-options';

/** The `trodo-qa` command: `trodo-qa collector [...]` and `trodo-qa verify [...]`. */
const USAGE = `trodo-qa collector [options]   the local collector (a Trodo-compatible ingestion server and test API)
trodo-qa verify [options]      a run's events against a tracking plan, for any CI

${COLLECTOR_USAGE.replace('npm run collector --', 'trodo-qa collector')}

${VERIFY_USAGE}`;

const [command, ...rest] = process.argv.slice(2);
switch (command) {
  case 'collector':
    await collectorMain(rest, process.env);
    break;
  case 'verify':
    process.exitCode = await verifyMain(rest, { out: (t) => console.log(t), err: (t) => console.error(t), env: process.env });
    break;
  case undefined:
  case '-h':
  case '--help':
    console.log(USAGE);
    break;
  default:
    console.error(`unknown command ${JSON.stringify(command)}\n\n${USAGE}`);
    process.exitCode = 2;
}
