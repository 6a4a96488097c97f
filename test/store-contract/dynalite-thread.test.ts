import { describeStoreContract } from './store-contract.js';
import { startDynaliteOnThread } from './backends.js';

describeStoreContract('dynalite on its own thread (how `npm start` runs its embedded store)', startDynaliteOnThread);
