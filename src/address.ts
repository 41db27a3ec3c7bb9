// One address for everything: `account.collection["key"]`, in plan lines, errors, logs and the state file.

export function address(account: string, collection: string, key: string): string {
  return `${account}.${collection}[${JSON.stringify(key)}]`;
}

/** The parts of an exact address (`account.collection["key"]`), or undefined when it is not one. */
export function parseAddress(addr: string): { account: string; collection: string; key: string } | undefined {
  const m = /^([A-Za-z][A-Za-z0-9_-]*)\.([A-Za-z_][A-Za-z0-9_]*)\[(".*")\]$/s.exec(addr);
  if (!m) return undefined;
  try {
    const key: unknown = JSON.parse(m[3]!);
    return typeof key === 'string' && address(m[1]!, m[2]!, key) === addr ? { account: m[1]!, collection: m[2]!, key } : undefined;
  } catch {
    return undefined;
  }
}

/** The account an address names: what comes before its first `.` or `[` (account names have neither). */
export function accountOf(addr: string): string {
  return addr.split(/[.[]/, 1)[0]!;
}

/**
 * Whether `pattern` names `addr`: the address itself, the same with `*` standing for any run of
 * characters (`estate.statuses["contact:*"]`), or a whole account or collection (`estate`,
 * `estate.statuses`), as Terraform's `-target` takes a module.
 */
export function matchesAddress(pattern: string, addr: string): boolean {
  const glob = pattern
    .split('*')
    .map((part) => part.replace(/[\\^$.|?+()[\]{}]/g, '\\$&'))
    .join('.*');
  // Without a key part, the pattern names everything under it.
  const under = pattern.includes('[') ? '' : '(?:[.[].*)?';
  return new RegExp(`^${glob}${under}$`, 's').test(addr);
}

/** Whether `pattern`'s account part (which may hold `*`) names the account `name`. */
export function matchesAccount(pattern: string, name: string): boolean {
  return matchesAddress(accountOf(pattern), name);
}
