// Quiet, deterministic defaults for every e2e file; individual tests override what they need.
process.env.LOG_LEVEL ??= 'silent';
process.env.NODE_ENV ??= 'test';
