import { describeStoreContract } from './store-contract.js';
import { startDynalite } from './backends.js';

describeStoreContract('dynalite (the embedded emulator of npm start)', startDynalite);
