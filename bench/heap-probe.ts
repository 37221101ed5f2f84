// Loaded with `--require` into a process the idle bench measures: on SIGUSR2 it collects garbage (twice, when
// started with --expose-gc) and writes process.memoryUsage() as JSON to BENCH_HEAP_FILE, renamed into place so
// that a reader never sees half a file.
import { renameSync, writeFileSync } from 'node:fs';

const file = process.env.BENCH_HEAP_FILE;
if (file !== undefined && file !== '') {
  process.on('SIGUSR2', () => {
    globalThis.gc?.();
    globalThis.gc?.();
    writeFileSync(`${file}.tmp`, JSON.stringify(process.memoryUsage()));
    renameSync(`${file}.tmp`, file);
  });
}
