// Loaded with `--require` into a process a bench measures: on SIGUSR2 it collects garbage (twice, when started
// with --expose-gc) and writes process.memoryUsage() as JSON to BENCH_HEAP_FILE, with `spaces`: each V8 heap
// space's committed and used bytes, renamed into place so that a reader never sees half a file.
import { renameSync, writeFileSync } from 'node:fs';
import { getHeapSpaceStatistics } from 'node:v8';

const file = process.env.BENCH_HEAP_FILE;
if (file !== undefined && file !== '') {
  process.on('SIGUSR2', () => {
    globalThis.gc?.();
    globalThis.gc?.();
    const spaces = Object.fromEntries(
      getHeapSpaceStatistics().map((space) => [
        space.space_name,
        { size: space.space_size, used: space.space_used_size },
      ]),
    );
    writeFileSync(`${file}.tmp`, JSON.stringify({ ...process.memoryUsage(), spaces }));
    renameSync(`${file}.tmp`, file);
  });
}
