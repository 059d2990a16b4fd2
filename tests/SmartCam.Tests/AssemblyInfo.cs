// Integration tests start real processes on real ports and share 2 cores: run test classes one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
