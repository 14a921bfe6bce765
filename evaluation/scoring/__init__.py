"""The pure scoring pipeline: method registries, figure cube, aggregation tree, ranks, tiers."""
