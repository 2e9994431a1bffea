import { collectorMain } from './main';

await collectorMain(process.argv.slice(2), process.env);
