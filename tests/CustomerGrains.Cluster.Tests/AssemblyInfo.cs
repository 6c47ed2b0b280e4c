// Each test runs a cluster of real silo processes and a PostgreSQL server; on a 2-core machine they run one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
