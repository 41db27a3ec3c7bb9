// One address for everything: `account.collection["key"]`, in plan lines, errors, logs and the state file.

export function address(account: string, collection: string, key: string): string {
  return `${account}.${collection}[${JSON.stringify(key)}]`;
}
