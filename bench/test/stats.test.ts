import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { medianInterval } from '../harness/stats.js';

describe('medianInterval (bench statistics)', () => {
  it('takes the 2nd and 9th of 10 samples, whose coverage is 1 - 2 x 11/1024', () => {
    const interval = medianInterval([10, 1, 9, 2, 8, 3, 7, 4, 6, 5]);
    assert.deepEqual(interval, { low: 2, high: 9, coverage: 1 - (2 * 11) / 1024 });
  });

  it('falls back to min-max with its lower coverage when the samples are too few for the level', () => {
    assert.deepEqual(medianInterval([3, 1, 2]), { low: 1, high: 3, coverage: 0.75 });
    assert.deepEqual(medianInterval([4]), { low: 4, high: 4, coverage: 0 });
  });

  it('narrows as samples grow: 40 samples give the 14th and 27th', () => {
    const samples = Array.from({ length: 40 }, (_, i) => i + 1);
    const interval = medianInterval(samples)!;
    assert.deepEqual([interval.low, interval.high], [14, 27]);
    assert.ok(interval.coverage >= 0.95, `coverage ${interval.coverage} < 0.95`);
    assert.ok(interval.coverage < 0.97, `coverage ${interval.coverage} >= 0.97`);
  });

  it('covers the true median at least as often as it claims (simulated)', () => {
    let seed = 7;
    const uniform = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
    let hits = 0;
    const trials = 2000;
    for (let t = 0; t < trials; t++) {
      const interval = medianInterval(Array.from({ length: 10 }, uniform))!;
      if (interval.low <= 0.5 && 0.5 <= interval.high) hits += 1;
    }
    assert.ok(hits / trials > 0.96, `covered ${hits} of ${trials}`);
  });

  it('is null without samples', () => {
    assert.equal(medianInterval([]), null);
  });
});
