/**
 * Users and access keys (see keys.ts: u/, k/, uk/).
 *
 * Errors: there is no S3 code for "no such user / access key"; they are
 * S3Error InvalidArgument with HTTP status 404 and a UserId / AccessKeyId
 * detail, so an admin API can render them as not-found.
 */
import { randomBytes } from 'node:crypto';
import { S3Error } from '@vaultx/s3-protocol';
import type { AccessKey, MetadataInput, MetadataOutput, User } from '@vaultx/metadata-client';
import type { KvValue } from '@vaultx/storage';
import { type Ctx, Retry, collect, scanPrefix, withRetry } from './context.ts';
import { USERS_PREFIX, accessKeyKey, userAccessKeyKey, userAccessKeysPrefix, userKey } from './keys.ts';

export const ROOT_USER_ID = 'root';

/** What `uk/<userId>/<accessKeyId>` holds. */
interface UserKeyDoc {
  accessKeyId: string;
  userId: string;
  createdAt: string;
}

export function noSuchUser(id: string): S3Error {
  return new S3Error('InvalidArgument', 'The specified user does not exist.', { UserId: id }, 404);
}

function noSuchAccessKey(id: string): S3Error {
  return new S3Error('InvalidArgument', 'The specified access key does not exist.', { AccessKeyId: id }, 404);
}

const ALNUM_UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** 'VX' + 18 uppercase alphanumerics: 20 characters, like an AWS access key id. */
export function generateAccessKeyId(): string {
  let out = 'VX';
  while (out.length < 20) {
    for (const b of randomBytes(32)) {
      // 252 = 7 × 36: reject the top bytes so every character is equally likely.
      if (b < 252 && out.length < 20) out += ALNUM_UPPER[b % 36];
    }
  }
  return out;
}

/** 40 characters of base64 from 30 random bytes (the shape of an AWS secret). */
export function generateSecretAccessKey(): string {
  return randomBytes(30).toString('base64');
}

/**
 * An access key id travels in SigV4's Credential=<id>/<date>/<region>/s3/aws4_request
 * and in URLs: printable ASCII without '/', spaces, ',' or '='.
 */
const ACCESS_KEY_ID_RE = /^[A-Za-z0-9._~+@-]+$/;

function assertUsableAccessKeyId(id: string): void {
  if (!ACCESS_KEY_ID_RE.test(id)) {
    throw new S3Error('InvalidArgument', 'An access key id may contain only letters, digits and . _ ~ + @ -', {
      AccessKeyId: id,
    });
  }
}

export async function createUser(ctx: Ctx, input: MetadataInput<'createUser'>): Promise<MetadataOutput<'createUser'>> {
  return withRetry(async () => {
    const user: User = {
      id: `u-${randomBytes(6).toString('hex')}`,
      name: input.name,
      isRoot: false,
      createdAt: ctx.now().toISOString(),
    };
    const uk = userKey(user.id);
    return ctx.kv.update([uk], (cur) => {
      if (cur.get(uk) !== undefined) throw new Retry(); // 48-bit id collision: draw again
      return { writes: new Map<string, KvValue | null>([[uk, user]]), result: user };
    });
  });
}

export async function getUser(ctx: Ctx, input: MetadataInput<'getUser'>): Promise<MetadataOutput<'getUser'>> {
  const user = await ctx.kv.get<User>(userKey(input.id));
  if (!user) throw noSuchUser(input.id);
  return user;
}

export async function listUsers(ctx: Ctx, _input: MetadataInput<'listUsers'>): Promise<MetadataOutput<'listUsers'>> {
  const users = (await collect(scanPrefix<User>(ctx.kv, USERS_PREFIX))).map((e) => e.value);
  return { users };
}

async function userKeyIds(ctx: Ctx, userId: string): Promise<string[]> {
  const out: string[] = [];
  for await (const { value } of scanPrefix<UserKeyDoc>(ctx.kv, userAccessKeysPrefix(userId))) {
    if (value.userId === userId) out.push(value.accessKeyId);
  }
  return out;
}

/** Deletes the given keys of `userId` (only those that still belong to it). */
async function deleteUserKeys(ctx: Ctx, userId: string, ids: string[], extra: string[] = []): Promise<void> {
  const keys = [...extra];
  for (const id of ids) keys.push(accessKeyKey(id), userAccessKeyKey(userId, id));
  await ctx.kv.update(keys, (cur) => {
    const writes = new Map<string, KvValue | null>();
    for (const k of extra) writes.set(k, null);
    for (const id of ids) {
      if ((cur.get(accessKeyKey(id)) as AccessKey | undefined)?.userId === userId) writes.set(accessKeyKey(id), null);
      writes.set(userAccessKeyKey(userId, id), null);
    }
    return { writes, result: undefined };
  });
}

export async function deleteUser(ctx: Ctx, input: MetadataInput<'deleteUser'>): Promise<MetadataOutput<'deleteUser'>> {
  const { id } = input;
  const user = await ctx.kv.get<User>(userKey(id));
  if (!user) throw noSuchUser(id);
  if (user.isRoot || id === ROOT_USER_ID) {
    throw new S3Error('InvalidRequest', 'The root user cannot be deleted.', { UserId: id });
  }
  // The user record and the keys known now go in one update. A key created
  // concurrently (its update saw the user still present) is caught by the
  // second pass: any createAccessKey that commits after the first update
  // fails, since the user is gone.
  await deleteUserKeys(ctx, id, await userKeyIds(ctx, id), [userKey(id)]);
  const stragglers = await userKeyIds(ctx, id);
  if (stragglers.length > 0) await deleteUserKeys(ctx, id, stragglers);
  return {};
}

export async function createAccessKey(
  ctx: Ctx,
  input: MetadataInput<'createAccessKey'>,
): Promise<MetadataOutput<'createAccessKey'>> {
  const { userId } = input;
  if (input.accessKeyId !== undefined) assertUsableAccessKeyId(input.accessKeyId);
  return withRetry(async () => {
    const key: AccessKey = {
      accessKeyId: input.accessKeyId ?? generateAccessKeyId(),
      secretAccessKey: input.secretAccessKey ?? generateSecretAccessKey(),
      userId,
      createdAt: ctx.now().toISOString(),
    };
    const uk = userKey(userId);
    const kk = accessKeyKey(key.accessKeyId);
    const ik = userAccessKeyKey(userId, key.accessKeyId);
    return ctx.kv.update([uk, kk, ik], (cur) => {
      if (cur.get(uk) === undefined) throw noSuchUser(userId);
      if (cur.get(kk) !== undefined) {
        if (input.accessKeyId === undefined) throw new Retry(); // generated id collided: draw again
        throw new S3Error('InvalidRequest', 'An access key with this id already exists.', {
          AccessKeyId: key.accessKeyId,
        });
      }
      const index: UserKeyDoc = { accessKeyId: key.accessKeyId, userId, createdAt: key.createdAt };
      return {
        writes: new Map<string, KvValue | null>([
          [kk, key],
          [ik, index],
        ]),
        result: key,
      };
    });
  });
}

/** For the gateway's auth path: the key and its secret, or undefined (also when its user is gone). */
export async function getAccessKey(ctx: Ctx, input: MetadataInput<'getAccessKey'>): Promise<MetadataOutput<'getAccessKey'>> {
  const key = await ctx.kv.get<AccessKey>(accessKeyKey(input.accessKeyId));
  if (!key || (await ctx.kv.get(userKey(key.userId))) === undefined) return { key: undefined };
  return { key };
}

export async function listAccessKeys(
  ctx: Ctx,
  input: MetadataInput<'listAccessKeys'>,
): Promise<MetadataOutput<'listAccessKeys'>> {
  const { userId } = input;
  if ((await ctx.kv.get(userKey(userId))) === undefined) throw noSuchUser(userId);
  const keys: MetadataOutput<'listAccessKeys'>['keys'] = [];
  for await (const { value } of scanPrefix<UserKeyDoc>(ctx.kv, userAccessKeysPrefix(userId))) {
    if (value.userId === userId) keys.push({ accessKeyId: value.accessKeyId, userId, createdAt: value.createdAt });
  }
  return { keys };
}

export async function deleteAccessKey(
  ctx: Ctx,
  input: MetadataInput<'deleteAccessKey'>,
): Promise<MetadataOutput<'deleteAccessKey'>> {
  const { accessKeyId } = input;
  return withRetry(async () => {
    const seen = await ctx.kv.get<AccessKey>(accessKeyKey(accessKeyId));
    if (!seen) throw noSuchAccessKey(accessKeyId);
    const kk = accessKeyKey(accessKeyId);
    const ik = userAccessKeyKey(seen.userId, accessKeyId);
    return ctx.kv.update([kk, ik], (cur) => {
      const now = cur.get(kk) as AccessKey | undefined;
      if (!now) throw noSuchAccessKey(accessKeyId);
      if (now.userId !== seen.userId) throw new Retry();
      return {
        writes: new Map<string, KvValue | null>([
          [kk, null],
          [ik, null],
        ]),
        result: {},
      };
    });
  });
}

/**
 * Idempotent, run at every start: the root user exists (id 'root', isRoot) and
 * owns exactly this key pair — a changed secret is updated, a new key id is
 * added, and root's other keys are removed (the environment is the source of
 * truth for root credentials). A key id already owned by another user is
 * refused (InvalidRequest) rather than silently taken over.
 */
export async function ensureRootUser(ctx: Ctx, input: MetadataInput<'ensureRootUser'>): Promise<MetadataOutput<'ensureRootUser'>> {
  const { accessKeyId, secretAccessKey } = input;
  assertUsableAccessKeyId(accessKeyId);
  const old = (await userKeyIds(ctx, ROOT_USER_ID)).filter((id) => id !== accessKeyId);
  const uk = userKey(ROOT_USER_ID);
  const kk = accessKeyKey(accessKeyId);
  const ik = userAccessKeyKey(ROOT_USER_ID, accessKeyId);
  const keys = [uk, kk, ik];
  for (const id of old) keys.push(accessKeyKey(id), userAccessKeyKey(ROOT_USER_ID, id));
  return ctx.kv.update(keys, (cur) => {
    const nowIso = ctx.now().toISOString();
    const writes = new Map<string, KvValue | null>();
    const existingUser = cur.get(uk) as User | undefined;
    const user: User = existingUser
      ? { ...existingUser, id: ROOT_USER_ID, isRoot: true }
      : { id: ROOT_USER_ID, name: ROOT_USER_ID, isRoot: true, createdAt: nowIso };
    if (!existingUser || !existingUser.isRoot) writes.set(uk, user);

    const existingKey = cur.get(kk) as AccessKey | undefined;
    if (existingKey && existingKey.userId !== ROOT_USER_ID) {
      throw new S3Error('InvalidRequest', 'The root access key id is already used by another user.', {
        AccessKeyId: accessKeyId,
      });
    }
    if (!existingKey || existingKey.secretAccessKey !== secretAccessKey) {
      const createdAt = existingKey?.createdAt ?? nowIso;
      writes.set(kk, { accessKeyId, secretAccessKey, userId: ROOT_USER_ID, createdAt } satisfies AccessKey);
      writes.set(ik, { accessKeyId, userId: ROOT_USER_ID, createdAt } satisfies UserKeyDoc);
    } else if (cur.get(ik) === undefined) {
      writes.set(ik, { accessKeyId, userId: ROOT_USER_ID, createdAt: existingKey.createdAt } satisfies UserKeyDoc);
    }

    for (const id of old) {
      if ((cur.get(accessKeyKey(id)) as AccessKey | undefined)?.userId === ROOT_USER_ID) writes.set(accessKeyKey(id), null);
      writes.set(userAccessKeyKey(ROOT_USER_ID, id), null);
    }
    return { writes, result: user };
  });
}
