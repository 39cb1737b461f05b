//! Facts of wafv2, fetched once per run.
