import { describe, expectTypeOf, it } from 'vitest';
import trodo, { createTrodo, type CallResult, type FlushResult, type NodeOptions, type TrodoClient, type UserContext } from '../../lib/node/index';

// Checked by `tsc --noEmit` (test/ is in the project): the public API as the docs call it.
describe('trodo-qa/node public types', () => {
  it('has the documented signatures', () => {
    expectTypeOf(trodo).toEqualTypeOf<TrodoClient>();
    expectTypeOf(createTrodo).parameter(0).toEqualTypeOf<NodeOptions>();
    expectTypeOf(trodo.track).toBeCallableWith('user-42', 'job_completed');
    expectTypeOf(trodo.track).toBeCallableWith('user-42', 'risk_flag_raised', { score: 0.82 }, { category: 'security', timestamp: new Date() });
    expectTypeOf(trodo.track).returns.toEqualTypeOf<Promise<CallResult>>();
    expectTypeOf(trodo.trackEvent).toEqualTypeOf(trodo.track);
    expectTypeOf(trodo.flush).returns.toEqualTypeOf<Promise<FlushResult>>();
    expectTypeOf(trodo.shutdown).toBeCallableWith({ timeoutMs: 2000 });
    expectTypeOf(trodo.forUser('u')).toEqualTypeOf<UserContext>();
    expectTypeOf(trodo.forUser('u', { sessionId: 's' }).track).toBeCallableWith('checkout_completed', { amount_cents: 9999 });
    expectTypeOf(trodo.forRequest).toBeCallableWith(new Request('http://shop/'));
    expectTypeOf(trodo.forRequest({ headers: {} }).track).toBeCallableWith('checkout_completed');
    expectTypeOf(trodo.forRequest({ headers: {} }).error).toEqualTypeOf<string | null>();
    expectTypeOf(trodo.people.increment).toBeCallableWith('u', { logins: 1 });
    expectTypeOf(trodo.people.increment).toBeCallableWith('u', 'credits', 5);
    expectTypeOf(trodo.get_group('company', 'acme').set).toBeCallableWith({ plan: 'pro' });
    expectTypeOf(trodo.captureError).toBeCallableWith(new Error('x'), { distinctId: 'u', severity: 'critical' });
    expectTypeOf<FlushResult>().toEqualTypeOf<{ sent: number; failed: number; dropped: number; pending: number }>();
    // @ts-expect-error the distinct id comes first on every server call
    void (() => trodo.track('job_completed'));
    // @ts-expect-error siteId is required
    void (() => createTrodo({ batchEnabled: true }));
    // @ts-expect-error severity is one of three words
    void (() => trodo.captureError(new Error('x'), { severity: 'fatal' }));
  });
});
