import { createDocumentClient } from '../../functions/src/store/dynamo-client.js';
import { BindingRepository } from '../../functions/src/store/binding-repository.js';
import type { Binding } from '../../functions/src/register/binding.js';

/** Reads a user's live bindings through the real DynamoDB API of the store the stack uses. */
export async function readBindings(stack: { storeEndpoint: string }, tenantId: string, ext: string): Promise<Binding[]> {
  const doc = createDocumentClient({ endpoint: stack.storeEndpoint });
  try {
    const repo = new BindingRepository(doc, process.env.PBX_TABLE_NAME ?? 'nimbus-pbx');
    return (await repo.loadBindings({ tenantId, ext }, Date.now())).bindings;
  } finally {
    doc.destroy();
  }
}
