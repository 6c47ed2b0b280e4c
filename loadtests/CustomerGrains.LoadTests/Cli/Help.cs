namespace CustomerGrains.LoadTests.Cli;

/// <summary>The runner's usage text.</summary>
internal static class Help
{
    /// <summary>Prints the usage; returns 0 (the caller adds 1 when the usage was printed for a mistake).</summary>
    public static int Print(TextWriter output)
    {
        output.WriteLine("""
            usage: CustomerGrains.LoadTests COMMAND [options]

            latency   one request at a time against a running engine (ingest ack, ingest to visible, warm reads)
                      --target URL  --samples 300  --warm-reads 2000
            seed      posts a customer base to the engine and writes the seed files (customers.csv, phones.csv, interactions.csv, seed.json)
                      --customers 100000 (1 to 1000000)  --import online-retail [--retail-file PATH]  --random-seed 42  --api-key KEY
                      --target URL  --data DIR (default loadtests/reports/seed)  --batch 500  --concurrency 4
            run SCENARIO
                      scenarios: screenpop-spike, ingest-burst, mixed, cold-start, failover, floors, http-get
                      --rate 500 (iterations/s)  --ramp 10s  --duration 60s  --warm-up 5s  --arrivals constant|poisson
                      --target URL[,URL...] (HTTP hosts, round-robin)  --cluster HOST:PORT[,...] (reads through the typed client)
                      --data DIR  --baseline auto|none|CONNECTION-STRING (auto starts a private PostgreSQL)  --baseline-pool 32
                      --copies N (closed loop instead of --rate: N copies back to back, as wrk does)
                      --floors on|off  --zipf 1.0 (0: uniform)  --timeout 10s  --late-ms 2  --drain 15s
                      --connections auto|N (per host; auto: 50 ms of the peak request rate, 32 to 1024, or one per copy)
                      --senders 2 (threads that wait for each intended start and send it)  --spin-us 60 (spin this close to it)
                      --realtime on|off (senders at real-time priority SCHED_FIFO where permitted, normal priority otherwise; default on)
                      --max-lag 0.2,1 (dispatch lag p50,p99 in ms above which the report flags the generator as the bottleneck)
                      --wrk 10s (after the floors, wrk --latency on /api/ping for that long, beside floor-http)  --wrk-connections 16  --wrk-threads 1
                      --api-key KEY (X-Api-Key sent on every request: ingest and reads; default $CUSTOMERGRAINS_API_KEY or demo-service-key)
                      --threshold 'p99 < 5' (repeatable; default p99 < 5 and fail% < 0.1)  --no-thresholds  --out DIR
                      ingest-burst, mixed: --ingest-rate EVENTS/s  --batch-events 1
                      failover: --kill-pid PID  --kill-at 20s
                      http-get: --path /api/ping
            exit codes: 0 every threshold held, 1 usage error or failure, 2 a threshold was breached
            """);
        return 0;
    }
}
