import { readFileSync, readdirSync } from 'node:fs';

/**
 * The live processes of the process group `pgid` (Linux /proc). Zombies do not count: they have
 * exited and only wait for their parent (or init, for orphans) to reap them.
 */
export function liveGroupMembers(pgid: number): number[] {
  const live: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    // pid (comm) state ppid pgrp …; comm may hold spaces and parentheses.
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(pgrp) === pgid && state !== 'Z' && state !== 'X') live.push(Number(entry));
  }
  return live;
}

/** Whether any process of the group led by `pid` is still running. */
export function groupAlive(pid: number): boolean {
  return liveGroupMembers(pid).length > 0;
}
