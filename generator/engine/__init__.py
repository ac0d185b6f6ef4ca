"""The rewrite engine: the rule catalogue and the differential method's phases."""
