// Go runtime settings for the back ends that keep a heap of their own (Jaeger's badger,
// Prometheus's head block): collect at half the default growth and aim below a soft limit, so
// the demo's back ends stay small. A soft limit only makes the garbage collector work harder
// when the live heap crosses it; it never ends the process. Badger's in-memory table (up to
// 64 MB) is live data, so Jaeger still grows past the limit as it fills.
export const LEAN_GO_RUNTIME = Object.freeze({ GOGC: '50', GOMEMLIMIT: '64MiB' });
