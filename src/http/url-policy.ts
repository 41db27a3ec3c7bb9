// Which base URLs statusform will talk to: https anywhere, plain http only to this machine (the simulators).

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/;

export function isAllowedBaseUrl(url: string): boolean {
  try {
    const u = new URL(url);
    if (u.protocol === 'https:') return true;
    return u.protocol === 'http:' && isLoopbackHost(u.hostname);
  } catch {
    return false;
  }
}

/** Whether a host name is this machine (where only the simulators listen). */
export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK.test(hostname);
}
