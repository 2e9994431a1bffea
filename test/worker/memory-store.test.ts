import { memoryWorkerStore } from '../../lib/worker/memory-store';
import { describeStoreContract } from './store-contract';

describeStoreContract('memoryWorkerStore', memoryWorkerStore);
