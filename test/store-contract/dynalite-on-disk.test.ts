import { describeStoreContract } from './store-contract.js';
import { startDynaliteOnDisk } from './backends.js';

describeStoreContract('dynalite on disk, on its own thread (how `npm start` keeps its data; LevelDB read on that thread)', startDynaliteOnDisk);
