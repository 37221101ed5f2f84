// How a test names a pending task: by task id or run id, or by type when exactly one pending task has it.
import { TaskLookupError } from './testing-error';
import type { TaskView } from './views';

export function pendingTask(pending: readonly TaskView[], taskIdOrType: string): TaskView {
  const byId = pending.find((t) => t.id === taskIdOrType || t.runId === taskIdOrType);
  if (byId !== undefined) return byId;
  const byType = pending.filter((t) => t.type === taskIdOrType);
  if (byType.length === 1) return byType[0] as TaskView;
  if (byType.length === 0) {
    const listed = pending.map((t) => `${t.id} (${t.type})`).join(', ') || 'none';
    throw new TaskLookupError(`no pending task has id or type ${taskIdOrType}; pending: ${listed}`);
  }
  const ids = byType.map((t) => t.id).join(', ');
  throw new TaskLookupError(
    `${byType.length} pending tasks have type ${taskIdOrType}: name one by id (${ids})`,
  );
}
