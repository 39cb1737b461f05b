//! Facts of apigateway, fetched once per run.
