import { AppError } from './app-error.ts';

/** A 429 that knows when to try again: `onError` sends it as `Retry-After` (RFC 9110 §10.2.3). */
export class RateLimitedError extends AppError {
  constructor(
    readonly retryAfterSeconds: number,
    message: string,
  ) {
    super(429, 'rate_limited', message);
  }
}

/**
 * A token bucket per key (a user id, an address): `capacity` requests at once, refilled at
 * `refillPerSecond`. In memory, per process; buckets of idle keys are dropped as they refill.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly capacity: number,
    private readonly refillPerSecond: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes one token for `key`, or throws a 429 saying when to try again. */
  take(key: string, what: string): void {
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.capacity, at: now };
    bucket.tokens = Math.min(
      this.capacity,
      bucket.tokens + ((now - bucket.at) / 1000) * this.refillPerSecond,
    );
    bucket.at = now;
    if (bucket.tokens < 1) {
      this.buckets.set(key, bucket);
      const waitSeconds = Math.ceil((1 - bucket.tokens) / this.refillPerSecond);
      throw new RateLimitedError(waitSeconds, `Too many ${what}; try again in ${waitSeconds} s`);
    }
    bucket.tokens -= 1;
    if (bucket.tokens >= this.capacity - 1 && this.buckets.size > 10_000) this.buckets.delete(key);
    else this.buckets.set(key, bucket);
  }
}
