import { bulkRequest, bulkSummary } from './bulk-command';

describe('statewright bulk', () => {
  test('the filter holds the options given, the workflow going in the path; a reason only for a cancel', () => {
    const options = { gateway: 'http://g', workflow: 'order-saga', status: 'running', prefix: 'o-', max: 20 };
    expect(bulkRequest('cancel', { ...options, reason: 'stuck' })).toEqual({
      filter: { status: 'running', idPrefix: 'o-' },
      max: 20,
      reason: 'stuck',
    });
    expect(bulkRequest('retry', { ...options, reason: 'stuck' })).toEqual({
      filter: { status: 'running', idPrefix: 'o-' },
      max: 20,
    });
  });

  test('the summary names each refused instance, the tally and the key to repeat the request with', () => {
    const summary = bulkSummary('cancel', {
      requestId: 'k-1',
      repeated: false,
      matched: 3,
      results: [
        { correlationId: 'a', status: 'accepted', code: null },
        { correlationId: 'b', status: 'resolved', code: null },
        { correlationId: 'c', status: 'refused', code: 'instance-finished' },
      ],
    });
    expect(summary.split('\n')).toEqual([
      'c: refused (instance-finished)',
      'cancel: 3 matched, 1 accepted, 1 resolved, 1 refused; key k-1',
    ]);
  });
});
