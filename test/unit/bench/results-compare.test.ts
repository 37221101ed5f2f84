import { betterOf, compareFigures, comparisonLines, figuresOf } from '../../../bench/results-compare';

describe('figuresOf', () => {
  it('names list entries by what identifies them and leaves the machine and settings out', () => {
    const figures = figuresOf({
      e2e: {
        levels: [{ worker_processes: 1, concurrency: 50, p99_ms: 80 }],
        settings: { workflows: 3000 },
      },
      machine: { cpus: 2 },
    });
    expect([...figures]).toEqual([['e2e.levels[worker_processes=1,concurrency=50].p99_ms', 80]]);
  });

  it('compares the medians of the rounds, not each round', () => {
    const figures = figuresOf({ orchestrator: { ratio: 0.3, rounds: [{ ratio: 0.2 }, { ratio: 0.4 }] } });
    expect([...figures]).toEqual([['orchestrator.ratio', 0.3]]);
  });
});

describe('betterOf', () => {
  it('takes throughput-like figures as better higher and latency, cost and size as better lower', () => {
    expect(betterOf('orchestrator.orchestrator_tps')).toBe('higher');
    expect(betterOf('e2e.levels[concurrency=50].workflows_per_s')).toBe('higher');
    expect(betterOf('orchestrator.ratio')).toBe('higher');
    expect(betterOf('orchestrator.p99_ms')).toBe('lower');
    expect(betterOf('idle.redis_bytes_per_instance')).toBe('lower');
    expect(betterOf('e2e.levels[concurrency=50].cpu_per_workflow.per_process_ms.kafka')).toBe('lower');
    expect(betterOf('idle.instances')).toBeUndefined();
  });
});

describe('compareFigures', () => {
  it('gives now / then and a gain above 1 when the figure improved, whichever way is better', () => {
    const comparisons = compareFigures(
      { orchestrator: { orchestrator_tps: 1000, p99_ms: 100 } },
      { orchestrator: { orchestrator_tps: 1500, p99_ms: 50 } },
    );
    expect(comparisons).toEqual([
      {
        figure: 'orchestrator.orchestrator_tps',
        before: 1000,
        after: 1500,
        ratio: 1.5,
        better: 'higher',
        gain: 1.5,
      },
      { figure: 'orchestrator.p99_ms', before: 100, after: 50, ratio: 0.5, better: 'lower', gain: 2 },
    ]);
    expect(comparisonLines(comparisons)[1]).toBe(
      'orchestrator.p99_ms: 50 vs 100 → ×0.5 (lower is better: better)',
    );
  });

  it('skips figures missing from the earlier file or zero there', () => {
    expect(compareFigures({ a: { x_ms: 0 } }, { a: { x_ms: 5, y_ms: 3 } })).toEqual([]);
  });
});
