// The commands a chaos run sends for the order saga: per order a start and signals, about a fifth
// of them sent twice, some out of order (a signal before its start, a stale sourceSeq), plus poison.
import {
  commandId as asCommandId,
  correlationId as asCorrelationId,
  type Command,
} from '../../services/core';
import { ORDER_SAGA, type OrderInput } from '../../examples/order-saga/definition';

/** What should become of an order; the task responder reads it from the order id. */
export type Fate = 'completes' | 'out-of-stock' | 'cancelled' | 'ships-late' | 'flaky-payment';
const FATES: readonly Fate[] = [
  'completes',
  'completes',
  'completes',
  'completes',
  'completes',
  'flaky-payment',
  'out-of-stock',
  'cancelled',
  'ships-late',
  'completes',
];

export const fateOf = (orderId: string): Fate => FATES[Number(orderId.split('-').pop()) % FATES.length]!;

/** A small deterministic PRNG so a failing run can be replayed with its seed. */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const base = (orderId: string, commandId: string, now: number) => ({
  commandId: asCommandId(commandId),
  correlationId: asCorrelationId(orderId),
  workflow: ORDER_SAGA,
  actor: 'chaos-driver',
  timestamp: now,
  expectedSeq: null,
  sourceSeq: null,
});

export function orderInputOf(orderId: string): OrderInput {
  const sku = fateOf(orderId) === 'out-of-stock' ? 'OUT-OF-STOCK' : 'SKU-1';
  return {
    orderId,
    customer: { id: `customer-${orderId}`, email: `${orderId}@example.com` },
    items: [{ sku, quantity: 1 }],
    amount: 42,
    payment: { cardNumber: '4111111111111111' },
    address: 'Main Street 1',
  };
}

/** The commands of one order, in the order a well-behaved producer would send them. */
export function orderCommands(orderId: string, now: number): Command[] {
  const commands: Command[] = [
    {
      ...base(orderId, `${orderId}:start`, now),
      type: 'start',
      input: orderInputOf(orderId) as never,
      version: null,
    },
    {
      ...base(orderId, `${orderId}:note`, now),
      type: 'signal',
      event: 'customer-note',
      payload: { note: 'ring twice' },
    },
    {
      ...base(orderId, `${orderId}:priority`, now),
      type: 'signal',
      event: 'priority-requested',
      payload: {},
    },
    {
      ...base(orderId, `${orderId}:fraud`, now),
      type: 'signal',
      event: 'fraud-detected',
      payload: { score: 0.4 },
    },
    {
      ...base(orderId, `${orderId}:address-2`, now),
      sourceSeq: 2,
      type: 'signal',
      event: 'address-changed',
      payload: { address: 'Side Street 2' },
    },
    {
      ...base(orderId, `${orderId}:address-1`, now),
      sourceSeq: 1,
      type: 'signal',
      event: 'address-changed',
      payload: { address: 'Old Street 1' },
    },
  ];
  if (fateOf(orderId) === 'cancelled') {
    commands.push({
      ...base(orderId, `${orderId}:cancel`, now),
      type: 'cancel',
      reason: 'customer changed their mind',
    });
  }
  return commands;
}

/**
 * Duplicates about `duplicateRate` of the sends: a duplicate goes right after its original or up to
 * three sends later. One order in twenty also gets a signal before its start (out of order).
 */
export function withChaos(commands: Command[], random: () => number, duplicateRate: number): Command[] {
  const out: Command[] = [];
  let delayed: { command: Command; after: number }[] = [];
  for (const command of commands) {
    out.push(command);
    if (random() < duplicateRate) delayed.push({ command, after: Math.floor(random() * 4) });
    const due = delayed.filter((entry) => entry.after-- <= 0);
    delayed = delayed.filter((entry) => entry.after >= 0);
    out.push(...due.map((entry) => entry.command));
  }
  out.push(...delayed.map((entry) => entry.command));
  if (random() < 0.05) {
    const signal = out.find((c) => c.type === 'signal');
    if (signal) out.unshift(signal);
  }
  return out;
}
