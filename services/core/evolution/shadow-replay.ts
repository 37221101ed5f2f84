// Shadow replay: the recorded commands of real instances decided again, in memory, by a candidate version, and
// compared with what was recorded. The candidate stands in for the version each instance runs (it is labelled
// with that version), so only what the candidate's code decides differently shows. Nothing is written anywhere.
import type { Command } from '../command/command';
import { decide } from '../decide';
import type { WorkflowDefinition } from '../definition/workflow-definition';
import { EMPTY_ENVIRONMENT } from '../environment';
import type { Instance } from '../instance/instance';
import type { Registry } from '../registry/registry';
import { recordDifference, summaryOf, type DivergenceKind, type RecordSummary } from './record-difference';
import type { RecordedCommand } from './recorded-history';

export interface ShadowOptions {
  /** Only instances of this workflow (default: every workflow the candidate holds). */
  readonly workflow?: string;
  /** The candidate's version to try (default: its latest). */
  readonly version?: number;
}

/** A command summarised for a report: what arrived, without its payload. */
export interface CommandSummary {
  readonly commandId: string;
  readonly type: Command['type'];
  /** The signal's event, the task result's outcome kind, or the admin action. */
  readonly detail: string | null;
}

export interface Divergence {
  readonly correlationId: string;
  readonly workflow: string;
  readonly version: number;
  /** The instance's seq when the command arrived (0 before its start). */
  readonly seq: number;
  /** The instance's state when the command arrived (null before its start). */
  readonly state: string | null;
  readonly command: CommandSummary;
  readonly kind: DivergenceKind;
  readonly recorded: readonly RecordSummary[];
  readonly candidate: readonly RecordSummary[];
  readonly contextPaths: readonly string[];
}

export interface ShadowReport {
  readonly instancesChecked: number;
  readonly commandsChecked: number;
  /** One entry per divergent instance: its first divergence (later commands of it are not compared). */
  readonly divergences: readonly Divergence[];
  readonly byKind: Readonly<Partial<Record<DivergenceKind, number>>>;
  /** Instances of workflows the candidate does not hold. */
  readonly skipped: number;
  /** Instances whose history does not begin at their start (older commands deleted by retention). */
  readonly incomplete: number;
}

export function shadowReplay(
  candidate: Registry,
  recorded: readonly RecordedCommand[],
  options: ShadowOptions = {},
): ShadowReport {
  const divergences: Divergence[] = [];
  let instancesChecked = 0;
  let commandsChecked = 0;
  let skipped = 0;
  let incomplete = 0;
  for (const history of byInstance(recorded).values()) {
    const workflow = history[0]!.command.workflow;
    if (options.workflow !== undefined && workflow !== options.workflow) continue;
    const definition = candidateOf(candidate, workflow, options.version);
    if (definition === undefined) {
      skipped += 1;
      continue;
    }
    if (!beginsAtStart(history)) {
      incomplete += 1;
      continue;
    }
    const result = replayInstance(definition, history);
    instancesChecked += 1;
    commandsChecked += result.commands;
    if (result.divergence !== null) divergences.push(result.divergence);
  }
  const byKind: Partial<Record<DivergenceKind, number>> = {};
  for (const { kind } of divergences) byKind[kind] = (byKind[kind] ?? 0) + 1;
  return { instancesChecked, commandsChecked, divergences, byKind, skipped, incomplete };
}

/** Per correlation id, in recorded order. A settings command (`workflow:<name>`) is no instance's. */
function byInstance(recorded: readonly RecordedCommand[]): Map<string, RecordedCommand[]> {
  const instances = new Map<string, RecordedCommand[]>();
  for (const entry of recorded) {
    const type = entry.command.type;
    if (type === 'workflow-settings' || type === 'key-request' || type === 'key-rewrap') continue;
    const list = instances.get(entry.command.correlationId) ?? [];
    list.push(entry);
    instances.set(entry.command.correlationId, list);
  }
  return instances;
}

function candidateOf(candidate: Registry, workflow: string, version: number | undefined) {
  if (!candidate.has(workflow)) return undefined;
  return candidate.get(workflow, version ?? Math.max(...candidate.versions(workflow)));
}

function replayInstance(
  definition: WorkflowDefinition,
  history: readonly RecordedCommand[],
): { commands: number; divergence: Divergence | null } {
  const registry = standIn(definition, recordedVersion(history) ?? definition.version);
  let instance: Instance | undefined;
  let now = 0;
  let commands = 0;
  for (const { command, records } of history) {
    commands += 1;
    now = records[0]?.at ?? Math.max(now, command.timestamp);
    const env = records.find((record) => record.env !== null)?.env ?? EMPTY_ENVIRONMENT;
    const step = decide(registry, instance, command, now, env);
    const difference = recordDifference(records, step.records);
    if (difference !== null) {
      return {
        commands,
        divergence: {
          correlationId: command.correlationId,
          workflow: definition.name,
          version: instance?.version ?? recordedVersion(history) ?? definition.version,
          seq: instance?.seq ?? 0,
          state: instance?.state ?? null,
          command: summaryOfCommand(command),
          kind: difference.kind,
          recorded: records.map(summaryOf),
          candidate: step.records.map(summaryOf),
          contextPaths: difference.contextPaths,
        },
      };
    }
    instance = step.instance;
  }
  return { commands, divergence: null };
}

/** Whether the first transition recorded is the instance's first (seq 1): only then can it be decided again. */
function beginsAtStart(history: readonly RecordedCommand[]): boolean {
  for (const { records } of history) {
    const first = records.find((record) => record.kind === 'transition');
    if (first?.kind === 'transition') return first.seq === 1;
  }
  return true;
}

/** The version the instance started on, as its first transition recorded it. */
function recordedVersion(history: readonly RecordedCommand[]): number | undefined {
  for (const { records } of history) {
    const first = records.find((record) => record.kind === 'transition');
    if (first?.kind === 'transition') return first.version;
  }
  return undefined;
}

/** A registry in which the candidate answers for its workflow under whatever version is asked for. */
function standIn(definition: WorkflowDefinition, started: number): Registry {
  const as = (version: number): WorkflowDefinition => ({ ...definition, version });
  const own = (name: string) => name === definition.name;
  return {
    get: (name, version) => (own(name) ? as(version) : undefined),
    has: own,
    versions: (name) => (own(name) ? [started] : []),
    pick: (name) => (own(name) ? as(started) : undefined),
    names: () => [definition.name],
  };
}

function summaryOfCommand(command: Command): CommandSummary {
  const detail =
    command.type === 'signal'
      ? command.event
      : command.type === 'task-result'
        ? `${command.taskId} ${command.outcome.kind}`
        : command.type === 'admin'
          ? command.action
          : null;
  return { commandId: command.commandId, type: command.type, detail };
}
