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
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CachedDirectory } from '../directory/cached-directory.js';
import { userFromItem, type DirectoryReader } from '../directory/directory-repository.js';
import type { UserAccount } from '../directory/user-account.js';
import { consistentBatchGet, itemKeyId as keyId, MAX_BATCH_GET_KEYS, type BatchGetAnswer } from '../store/batch-get.js';
import { bindingsKey, userKey, type ItemKey } from '../store/keys.js';
import type { BindingRepository } from './binding-repository.js';

/** Two keys per user. */
export const MAX_USERS_PER_READ = MAX_BATCH_GET_KEYS / 2;

interface PendingRead {
  tenantId: string;
  ext: string;
  resolve(user: UserAccount | undefined): void;
  reject(err: unknown): void;
}

export class UserWithBindingsReader {
  /** Reads asked for in this turn of the event loop: one BatchGetItem for all of them. */
  private queue: PendingRead[] = [];
  private flushScheduled = false;

  constructor(
    private readonly doc: Pick<DynamoDBDocumentClient, 'send'>,
    private readonly tableName: string,
    private readonly bindings: Pick<BindingRepository, 'rememberItem' | 'remembers'>,
    /** Where the user is read when the batch left it unprocessed. */
    private readonly directory: Pick<DirectoryReader, 'getUser'>,
  ) {}

  /**
   * The user, its bindings remembered along. Reads asked for in the same
   * turn of the event loop travel in one BatchGetItem (at most
   * MAX_USERS_PER_READ users): a Lambda container serves one REGISTER at a
   * time, so there it is one user per request; the local stack's functions
   * serve every REGISTER of the moment, and a burst costs one store request
   * instead of one per registration (issue 14: a cheaper local store path).
   */
  getUser(tenantId: string, ext: string): Promise<UserAccount | undefined> {
    return new Promise((resolve, reject) => {
      this.queue.push({ tenantId, ext, resolve, reject });
      if (this.queue.length >= MAX_USERS_PER_READ) this.flush();
      else if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => {
          this.flushScheduled = false;
          this.flush();
        });
      }
    });
  }

  private flush(): void {
    while (this.queue.length > 0) void this.read(this.queue.splice(0, MAX_USERS_PER_READ));
  }

  private async read(batch: PendingRead[]): Promise<void> {
    // One key once: BatchGetItem refuses duplicates (two devices of one user in the same moment).
    const keys = new Map<string, ItemKey>();
    for (const p of batch) for (const k of [userKey(p.tenantId, p.ext), bindingsKey(p.tenantId, p.ext)]) keys.set(keyId(k), k);
    let answer: BatchGetAnswer;
    try {
      answer = await consistentBatchGet(this.doc, this.tableName, [...keys.values()]);
    } catch (err) {
      for (const p of batch) p.reject(err);
      return;
    }
    for (const p of batch) {
      this.settle(p, answer.items, answer.unprocessed).then(p.resolve, p.reject);
    }
  }

  private async settle(p: PendingRead, items: Map<string, Record<string, unknown>>, unprocessed: Set<string>): Promise<UserAccount | undefined> {
    const { tenantId, ext } = p;
    const userAt = keyId(userKey(tenantId, ext));
    const bindingsAt = keyId(bindingsKey(tenantId, ext));
    const userItem = items.get(userAt);
    const user = userItem ? userFromItem(tenantId, userItem) : unprocessed.has(userAt) ? await this.directory.getUser(tenantId, ext) : undefined;
    // Only for a user that exists: REGISTERs for made-up names must not push real users' copies out.
    if (user && !unprocessed.has(bindingsAt)) this.bindings.rememberItem({ tenantId, ext }, items.get(bindingsAt));
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
