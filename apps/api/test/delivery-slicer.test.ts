import { describe, expect, it } from 'vitest';
import { createDeliverySlicer } from '../src/plugins/use-shared-subscription-events.ts';

describe('createDeliverySlicer', () => {
  it('admits at most a slice per turn of the event loop, each delivery once, first come first served', async () => {
    const slicer = createDeliverySlicer(3);
    // A ticker that counts turns of the event loop (its setImmediate runs once per check phase).
    let turn = 0;
    let ticking = true;
    const tick = (): void => { if (ticking) setImmediate(() => { turn += 1; tick(); }); };
    tick();
    const admitted: Array<{ delivery: number; turn: number }> = [];
    await Promise.all(Array.from({ length: 10 }, async (_, delivery) => {
      const wait = slicer.take();
      if (wait) await wait;
      admitted.push({ delivery, turn });
    }));
    ticking = false;
    expect(admitted.map((one) => one.delivery)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const perTurn = new Map<number, number>();
    for (const one of admitted) perTurn.set(one.turn, (perTurn.get(one.turn) ?? 0) + 1);
    expect([...perTurn.values()]).toEqual([3, 3, 3, 1]);
  });

  it('admits at once again after the event loop has turned', async () => {
    const slicer = createDeliverySlicer(2);
    expect(slicer.take()).toBeUndefined();
    expect(slicer.take()).toBeUndefined();
    const third = slicer.take();
    expect(third).toBeInstanceOf(Promise);
    await third;
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(slicer.take()).toBeUndefined();
  });

  it('refuses a slice that is not a positive integer', () => {
    expect(() => createDeliverySlicer(0)).toThrow(/positive integer/);
  });
});
