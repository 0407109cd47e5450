// Stands in for the "server-only" marker package outside Next's server bundle (vitest).
export {};
