// kafkajs 2.2.4 re-arms a 1 ms timer on every broker connection forever once its request queue is empty and
// unthrottled (throttledUntil - now is negative, so it schedules a check of nothing "now", again and again): an
// idle client wakes a thousand times a second per connection, and Node 24 warns TimeoutNegativeWarning at each
// start (kafkajs #1751). This stops scheduling when there is nothing to check: a request that has to wait is
// pushed to the pending list, and pushing schedules the check again; a throttle still schedules its own.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const RequestQueue = require('kafkajs/src/network/requestQueue') as {
  prototype: { scheduleCheckPendingRequests(this: QueueState): void; statewrightIdleFix?: true };
};

interface QueueState {
  readonly pending: readonly unknown[];
  readonly throttledUntil: number;
}

const prototype = RequestQueue.prototype;
if (prototype.statewrightIdleFix !== true) {
  const schedule = prototype.scheduleCheckPendingRequests;
  prototype.scheduleCheckPendingRequests = function (this: QueueState) {
    if (this.pending.length === 0 && this.throttledUntil <= Date.now()) return;
    schedule.call(this);
  };
  prototype.statewrightIdleFix = true;
}

export {};
