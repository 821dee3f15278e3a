// Go runtime settings for the back ends that keep a heap of their own (Jaeger's badger,
// Prometheus's head block): collect at half the default growth and aim below a soft limit. The
// demo's whole footprint (back ends, six services, evaluator) then stays under 1 GB; measured
// on the demo's traffic: Jaeger ≈ 117 → 77 MB, Prometheus ≈ 84 → 75 MB resident. A soft limit
// only makes the collector work harder when crossed; it never ends the process.
export const LEAN_GO_RUNTIME = Object.freeze({ GOGC: '50', GOMEMLIMIT: '64MiB' });
