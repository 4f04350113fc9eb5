-- wrk script for bench/load.py: at the end of a run, print the figures as one JSON line.
-- wrk's own text report rounds and mixes units; a machine-readable line is simpler to trust.
-- Latencies are in microseconds. Only `done` is defined, so wrk keeps its fast C path for
-- requests and responses.

done = function(summary, latency, requests)
  local e = summary.errors
  local p50, p95, p99, max, mean = 0, 0, 0, 0, 0
  if summary.requests > 0 then
    p50 = latency:percentile(50)
    p95 = latency:percentile(95)
    p99 = latency:percentile(99)
    max = latency.max
    mean = latency.mean
  end
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "bytes": %d, '
      .. '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, '
      .. '"latency_us": {"p50": %d, "p95": %d, "p99": %d, "max": %d, "mean": %d}}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    p50, p95, p99, max, math.floor(mean)))
end
