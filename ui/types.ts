// The API's answers as the UI reads them (the gateway's OpenAPI document is the reference).

export interface Principal {
  readonly name: string;
  readonly roles: readonly string[];
  readonly workflows: readonly string[] | null;
}

export interface DescribedState {
  readonly name: string;
  readonly final: string | null;
  readonly after: { readonly ms: number; readonly target: string } | null;
}

export interface DescribedEvent {
  readonly name: string;
  readonly payloadSchema: JsonSchema | null;
}

export interface JsonSchema {
  readonly type?: string | readonly string[];
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly enum?: readonly unknown[];
  readonly description?: string;
}

export interface Definition {
  readonly name: string;
  readonly version: number;
  readonly initial: string;
  readonly states: readonly DescribedState[];
  readonly events: readonly DescribedEvent[];
  readonly migrationsFrom: readonly number[];
}

export interface Edge {
  readonly from: string;
  readonly to: string;
  readonly label: string;
}

export interface Counts {
  readonly total: number;
  readonly states: Readonly<Record<string, number>>;
  readonly statuses: Readonly<Record<string, number>>;
}

export interface Summary {
  readonly correlationId: string;
  readonly workflow: string;
  readonly version: number;
  readonly state: string;
  readonly status: string;
  readonly seq: number;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface SearchAnswer {
  readonly items: readonly Summary[];
  readonly count: number;
  readonly nextCursor: string | null;
}

export interface InstanceView extends Summary {
  readonly context: unknown;
  readonly timers: readonly { kind: string; timerId: string; dueAt: number; subject: string }[];
  readonly openTasks: readonly unknown[];
}

export interface LogRecordView {
  readonly kind: string;
  readonly seq?: number;
  readonly event?: string;
  readonly from?: string;
  readonly to?: string;
  readonly actor?: string;
  readonly at?: number;
  readonly traceId?: string;
}

export interface Step {
  readonly record: LogRecordView;
  readonly instance: InstanceView;
}

export const hasRole = (principal: Principal | null, role: 'operator' | 'admin'): boolean => {
  const order = ['viewer', 'operator', 'admin'];
  const need = order.indexOf(role);
  return principal !== null && principal.roles.some((held) => order.indexOf(held) >= need);
};

export interface Quantiles {
  readonly p50: number;
  readonly p95: number;
}

export interface StateFigures {
  readonly name: string;
  readonly count: number;
  readonly stuck: number | null;
  readonly stuckAfterMs: number | null;
  readonly age: Quantiles | null;
  readonly dwell: (Quantiles & { readonly count: number }) | null;
}

export type FigureWindow = '5m' | '1h' | '24h';

export interface VersionFigures {
  readonly workflow: string;
  readonly version: number;
  readonly window: FigureWindow;
  readonly at: number;
  readonly spanMs: number;
  readonly states: readonly StateFigures[];
  readonly edges: readonly { readonly from: string; readonly to: string; readonly count: number }[];
  readonly flow: {
    readonly starts: number;
    readonly finished: Readonly<Record<string, number>>;
    readonly startsPerMinute: number;
    readonly completionsPerMinute: number;
    readonly failureRate: number | null;
    readonly compensationRate: number | null;
  };
  readonly oldestRunning: { readonly correlationId: string; readonly createdAt: number } | null;
}
