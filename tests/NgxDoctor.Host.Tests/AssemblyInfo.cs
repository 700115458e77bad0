[assembly: CollectionBehavior(DisableTestParallelization = true)] // live probes measure time; parallel log scans would skew them
