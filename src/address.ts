// One address for everything: `account.collection["key"]`, in plan lines, errors, logs and the state file.

export function address(account: string, collection: string, key: string): string {
  return `${account}.${collection}[${JSON.stringify(key)}]`;
}

/** The account an address names: what comes before its first `.` or `[` (account names have neither). */
export function accountOf(addr: string): string {
  return addr.split(/[.[]/, 1)[0]!;
}
