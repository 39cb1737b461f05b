//! Facts of elasticache, fetched once per run.
