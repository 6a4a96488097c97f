/**
 * A REGISTER with credentials needs two items the warm function may not
 * have: the user (its HA1s, to verify the digest) and the user's bindings
 * (to apply the binding rules, RFC 3261 §10.3 steps 6–7). Both are in the
 * user's tenant partition (store/keys.ts), so one BatchGetItem reads them
 * together: one round trip and one store request instead of two in a row
 * (issue 14), at the same read capacity.
 *
 * The bindings come back strongly consistent, as loadBindings reads them,
 * and become the binding repository's remembered copy — a base for the one
 * conditional write, never an answer by itself (optimistic-update.ts). The
 * user item is read strongly consistent too (BatchGetItem reads a table one
 * way): fresher than a GetItem, at one read unit instead of half.
 *
 * Keys the store leaves unprocessed (throttling) are not retried here: the
 * user is then read on its own and the bindings by loadBindings, as without
 * this reader.
 */
import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CachedDirectory } from '../directory/cached-directory.js';
import { userFromItem, type DirectoryReader } from '../directory/directory-repository.js';
import type { UserAccount } from '../directory/user-account.js';
import { bindingsKey, userKey } from '../store/keys.js';
import type { BindingRepository } from './binding-repository.js';

export class UserWithBindingsReader {
  constructor(
    private readonly doc: Pick<DynamoDBDocumentClient, 'send'>,
    private readonly tableName: string,
    private readonly bindings: Pick<BindingRepository, 'rememberItem' | 'remembers'>,
    /** Where the user is read when the batch left it unprocessed. */
    private readonly directory: Pick<DirectoryReader, 'getUser'>,
  ) {}

  async getUser(tenantId: string, ext: string): Promise<UserAccount | undefined> {
    const userAt = userKey(tenantId, ext);
    const bindingsAt = bindingsKey(tenantId, ext);
    const res = await this.doc.send(
      new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: [userAt, bindingsAt], ConsistentRead: true } } }),
    );
    const items = res.Responses?.[this.tableName] ?? [];
    const unprocessed = res.UnprocessedKeys?.[this.tableName]?.Keys ?? [];
    const left = (key: { sk: string }) => unprocessed.some((k) => k.sk === key.sk);
    const userItem = items.find((item) => item.sk === userAt.sk);
    const user = userItem ? userFromItem(tenantId, userItem) : left(userAt) ? await this.directory.getUser(tenantId, ext) : undefined;
    // Only for a user that exists: REGISTERs for made-up names must not push real users' copies out.
    if (user && !left(bindingsAt)) {
      this.bindings.rememberItem({ tenantId, ext }, items.find((item) => item.sk === bindingsAt.sk));
    }
    return user;
  }

  /**
   * The registrar's view of the directory: `cached`, whose user misses read
   * the bindings along unless the repository remembers them already (a
   * refresh on a warm function: the user alone is read).
   */
  forRegistrar(cached: CachedDirectory): DirectoryReader {
    return {
      findTenantByDomain: (domain) => cached.findTenantByDomain(domain),
      getUser: (tenantId, ext) =>
        this.bindings.remembers({ tenantId, ext }) ? cached.getUser(tenantId, ext) : cached.getUser(tenantId, ext, () => this.getUser(tenantId, ext)),
    };
  }
}
