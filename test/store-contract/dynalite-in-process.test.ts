import { describeStoreContract } from './store-contract.js';
import { startDynaliteInProcess } from './backends.js';

describeStoreContract('dynalite in-process (how the local stack reaches its embedded store)', startDynaliteInProcess);
